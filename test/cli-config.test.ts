/**
 * "Works where the docker CLI works", against the rig's dockerd (unix socket and its TLS listener), its htpasswd
 * registry, and the real docker CLI (Debian's docker.io, /usr/bin/docker) writing the files the client reads:
 * `docker --config DIR login`, `docker --config DIR context create/use`. Also the real docker-credential-pass
 * (unpacked by the rig, with a throwaway GPG key and `pass init`), onAuthRequired, system.login, discover().
 *
 * The docker CLI runs with PATH=/nonexistent unless a test wants a credential helper: with docker-credential-pass
 * on PATH, a config.json without credentials makes the CLI pick it as its store by itself.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerApiError, DockerClient, DockerConnectionError, DockerCredentialsError, DockerStreamError } from '../src/index';
import { baseImage, engineHost, engineSocketPath, podmanHost, registry } from './helpers/env';

const run = promisify(execFile);
const DOCKER_CLI = '/usr/bin/docker';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with \`npm test\` (scripts/engine.sh provides it)`);
  return v;
}

let work: string;
let admin: DockerClient;
const reg = registry();
const id = `${process.pid}-${randomBytes(3).toString('hex')}`;
const repo = (name: string) => `${reg.address}/dec-cli/${name}-${id}`;
const clients: DockerClient[] = [];
const images = new Set<string>();

/** A new config dir (the CLI's DOCKER_CONFIG). */
function configDir(name: string): string {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `docker --config DIR …` with the rig's engine; `env` adds to (or replaces) the CLI's environment. */
async function cli(config: string, args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<string> {
  const child = run(DOCKER_CLI, ['--config', config, ...args], {
    env: { PATH: '/nonexistent', HOME: work, DOCKER_HOST: engineHost(), ...opts.env },
  });
  if (opts.input !== undefined) child.child.stdin!.end(opts.input);
  const { stdout } = await child;
  return stdout;
}

async function login(config: string, env?: Record<string, string>): Promise<void> {
  await cli(config, ['login', '-u', reg.username, '--password-stdin', reg.address], { input: reg.password, env });
}

function track(docker: DockerClient): DockerClient {
  clients.push(docker);
  return docker;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'dec-clicfg-'));
  admin = track(new DockerClient({ host: engineHost(), credentials: false }));
});

afterAll(async () => {
  for (const name of images) await admin.images.remove(name, { force: true }).catch(() => {});
  await Promise.all(clients.map((c) => c.close()));
  rmSync(work, { recursive: true, force: true });
});

/** Push the base image to the registry as `name` (with explicit credentials) and drop the local tag. */
async function pushedBase(name: string): Promise<string> {
  const ref = `${repo(name)}:1`;
  await admin.images.tag(baseImage(), { repo: repo(name), tag: '1' });
  await admin.images.push(ref, { auth: { username: reg.username, password: reg.password } });
  await admin.images.remove(ref);
  return ref;
}

describe('credentials from config.json written by `docker login`', () => {
  let config: string;
  let docker: DockerClient;
  beforeAll(async () => {
    config = configDir('login');
    await login(config);
    docker = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: config }));
  });

  test('the CLI stored them in auths; docker.auth.resolve returns them for the registry and for an image of it', async () => {
    const file = JSON.parse(readFileSync(path.join(config, 'config.json'), 'utf8'));
    expect(Object.keys(file.auths)).toEqual([reg.address]);
    const expected = { username: reg.username, password: reg.password, serveraddress: reg.address };
    expect(await docker.auth.resolve(reg.address)).toEqual(expected);
    expect(await docker.auth.resolve(`${repo('x')}:1`)).toEqual(expected);
    expect(await docker.auth.resolve('busybox')).toBeUndefined();
  });

  test('push and pull with no auth option use them; auth: false goes out anonymous', async () => {
    const ref = `${repo('pushpull')}:1`;
    images.add(ref);
    await admin.images.tag(baseImage(), { repo: repo('pushpull'), tag: '1' });
    const pushed = await docker.images.push(ref);
    expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await admin.images.remove(ref);

    const anonymous = await docker.images.pull(ref, { auth: false }).then(() => undefined, (e: unknown) => e);
    expect(anonymous).toBeInstanceOf(DockerApiError);
    expect((anonymous as DockerApiError).daemonMessage).toMatch(/no basic auth credentials/);

    const pulled = await docker.images.pull(ref);
    expect(pulled.digest).toBe(pushed.digest);
    expect((await admin.images.inspect(ref)).RepoDigests).toContain(`${repo('pushpull')}@${pushed.digest}`);
  });

  test('without a login the same push is refused with the registry\'s message', async () => {
    const empty = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: configDir('empty') }));
    const ref = `${repo('refused')}:1`;
    images.add(ref);
    await admin.images.tag(baseImage(), { repo: repo('refused'), tag: '1' });
    const err = await empty.images.push(ref).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerStreamError);
    expect((err as DockerStreamError).daemonMessage).toMatch(/no basic auth credentials/);
  });

  test('a Podman engine gets the same credentials', async () => {
    const host = podmanHost();
    if (host === undefined) throw new Error('DEC_PODMAN_HOST is not set: run with `npm test` (the rig starts podman)');
    const ref = await pushedBase('podman');
    const podman = track(DockerClient.fromEnv({ DOCKER_HOST: host, DOCKER_CONFIG: config }));
    // Podman reports the image ID of what it pulled, not the digest.
    const pulled = await podman.images.pull(ref);
    expect((await podman.images.inspect(ref)).Id).toContain(pulled.id);
    await podman.images.remove(ref, { force: true });
  });

  test('a build FROM a private image gets X-Registry-Config for that registry from config.json; without it the registry refuses', async () => {
    const base = await pushedBase('base');
    images.add(base);
    const ctx = path.join(work, 'build-ctx');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${base}\nLABEL dec.test=${id}\n`);

    const without = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: configDir('build-empty') }));
    const refused = await without.images.build(ctx).then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(DockerStreamError);
    expect((refused as DockerStreamError).daemonMessage).toMatch(/no basic auth credentials/);

    const built = await docker.images.build(ctx, { t: `dec-cli-built-${id}` });
    images.add(`dec-cli-built-${id}`);
    expect((await admin.images.inspect(built.id!)).Config?.Labels).toMatchObject({ 'dec.test': id });
    // the base came from the registry, with the credentials of config.json
    expect((await admin.images.inspect(base)).RepoDigests?.[0]).toMatch(new RegExp(`^${repo('base').replace(/[.]/g, '\\.')}@sha256:`));
  });
});

describe('onAuthRequired and system.login', () => {
  const fresh = () => ({ username: reg.username, password: reg.password });

  test('pull: refused anonymous → asked once with the registry key → retried with its answer', async () => {
    const ref = await pushedBase('hook-pull');
    images.add(ref);
    const docker = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: configDir('hook') }));
    const asked: string[] = [];
    const result = await docker.images.pull(ref, { onAuthRequired: (r) => (asked.push(r), fresh()) });
    expect(asked).toEqual([reg.address]);
    expect(result.digest).toMatch(/^sha256:/);
  });

  test('push: the refusal comes as an error line after progress; the retry continues the same operation', async () => {
    const ref = `${repo('hook-push')}:1`;
    images.add(ref);
    await admin.images.tag(baseImage(), { repo: repo('hook-push'), tag: '1' });
    const docker = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: configDir('hook') }));
    const asked: string[] = [];
    const op = docker.images.push(ref, { onAuthRequired: async (r) => (asked.push(r), fresh()) });
    const statuses: string[] = [];
    for await (const ev of op) if ('status' in ev && typeof ev.status === 'string') statuses.push(ev.status);
    expect(asked).toEqual([reg.address]);
    expect((await op).digest).toMatch(/^sha256:/);
    expect(statuses.filter((s) => s.startsWith('The push refers to repository'))).toHaveLength(2);
  });

  test('a hook that gives nothing: the original refusal', async () => {
    const ref = await pushedBase('hook-none');
    const docker = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: configDir('hook') }));
    let calls = 0;
    const err = await docker.images.pull(ref, { onAuthRequired: () => void calls++ }).then(() => undefined, (e: unknown) => e);
    expect(calls).toBe(1);
    expect((err as DockerApiError).daemonMessage).toMatch(/no basic auth credentials/);
  });

  test('system.login checks credentials through the engine; a wrong password is refused and never echoed', async () => {
    const docker = track(new DockerClient({ host: engineHost() }));
    expect(await docker.system.login({ username: reg.username, password: reg.password, serveraddress: reg.address })).toMatchObject({ Status: 'Login Succeeded' });
    const wrong = `${reg.password}-WRONG-${id}`;
    const err = await docker.system.login({ username: reg.username, password: wrong, serveraddress: reg.address }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerApiError);
    // dockerd 20.10 answers 500 with the registry's status in the text (newer engines answer 401).
    expect((err as DockerApiError).status).toBeGreaterThanOrEqual(400);
    expect((err as DockerApiError).daemonMessage).toMatch(/401 Unauthorized/);
    expect(`${(err as Error).message}${(err as Error).stack}${JSON.stringify(err)}`).not.toContain(wrong);
  });
});

describe('a real credential helper: docker-credential-pass', () => {
  let gnupg: string;
  let env: Record<string, string>;
  let config: string;
  beforeAll(async () => {
    const helpers = required('DEC_CREDHELPERS_PATH');
    // A short path: gpg-agent's socket lives in GNUPGHOME and unix socket paths are short.
    gnupg = mkdtempSync(path.join(tmpdir(), 'dec-gpg-'));
    env = { GNUPGHOME: gnupg, PASSWORD_STORE_DIR: path.join(work, 'pass-store'), PATH: `${helpers}:/usr/bin:/bin` };
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'dec test <dec@test.invalid>', 'default', 'default', 'never'], { env, stdio: 'ignore' });
    const fpr = /^fpr:+([0-9A-F]+):/m.exec(execFileSync('gpg', ['--list-secret-keys', '--with-colons'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))![1];
    execFileSync('pass', ['init', fpr], { env, stdio: 'ignore' });
    config = configDir('pass');
    writeFileSync(path.join(config, 'config.json'), JSON.stringify({ credsStore: 'pass' }));
    await login(config, env);
  });
  afterAll(() => {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg } });
    rmSync(gnupg, { recursive: true, force: true });
  });

  test('`docker login` stored the password with the helper, not in config.json; the client gets it back from the helper', async () => {
    expect(readFileSync(path.join(config, 'config.json'), 'utf8')).not.toContain(Buffer.from(`${reg.username}:${reg.password}`).toString('base64'));
    const docker = track(DockerClient.fromEnv({ ...env, DOCKER_HOST: engineHost(), DOCKER_CONFIG: config }));
    expect(await docker.auth.resolve(reg.address)).toEqual({ username: reg.username, password: reg.password, serveraddress: reg.address });
    const ref = await pushedBase('pass');
    images.add(ref);
    expect((await docker.images.pull(ref)).digest).toMatch(/^sha256:/);
  });

  test('a registry the helper has nothing for is anonymous', async () => {
    const docker = track(DockerClient.fromEnv({ ...env, DOCKER_CONFIG: config }));
    expect(await docker.auth.resolve('registry.invalid')).toBeUndefined();
  });

  test('a helper that fails or hangs: the pull rejects with the typed error before anything is sent', async () => {
    const bin = path.join(work, 'bad-helpers');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'docker-credential-dec-broken'), '#!/bin/sh\necho "keychain locked" >&2\nexit 1\n', { mode: 0o755 });
    writeFileSync(path.join(bin, 'docker-credential-dec-hang'), '#!/bin/sh\nexec sleep 600\n', { mode: 0o755 });
    const cfg = configDir('bad-helpers');
    writeFileSync(path.join(cfg, 'config.json'), JSON.stringify({ credHelpers: { [reg.address]: 'dec-broken', 'hang.invalid': 'dec-hang' } }));
    const docker = track(DockerClient.fromEnv({ DOCKER_HOST: engineHost(), DOCKER_CONFIG: cfg, PATH: `${bin}:/usr/bin:/bin` }, { credentials: { helperTimeout: 500 } }));
    const broken = await docker.images.pull(`${repo('never')}:1`).then(() => undefined, (e: unknown) => e);
    expect(broken).toBeInstanceOf(DockerCredentialsError);
    expect((broken as Error).message).toBe(`images.pull: docker-credential-dec-broken get (for ${reg.address}) failed (exit code 1): keychain locked`);
    const hang = await docker.images.pull('hang.invalid/x:1').then(() => undefined, (e: unknown) => e);
    expect((hang as Error).message).toBe('images.pull: docker-credential-dec-hang get (for hang.invalid) did not answer within 500 ms and was killed');
  });
});

describe('contexts written by `docker context create`', () => {
  let config: string;
  let engineId: string;
  beforeAll(async () => {
    config = configDir('contexts');
    engineId = (await admin.info()).ID!;
    const tls = required('DEC_TLS_CERTS');
    await cli(config, ['context', 'create', 'dec-unix', '--docker', `host=unix://${engineSocketPath()}`]);
    await cli(config, ['context', 'create', 'dec-tls', '--docker', `host=${required('DEC_TLS_HOST')},ca=${tls}/ca.pem,cert=${tls}/cert.pem,key=${tls}/key.pem`]);
    // A CA made here that never signed the engine's certificate.
    const wrong = path.join(work, 'wrong-ca');
    mkdirSync(wrong);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${wrong}/ca-key.pem`, '-out', `${wrong}/ca.pem`, '-days', '2', '-subj', '/CN=dec-wrong-ca'], { stdio: 'ignore' });
    await cli(config, ['context', 'create', 'dec-wrong-ca', '--docker', `host=${required('DEC_TLS_HOST')},ca=${wrong}/ca.pem,cert=${tls}/cert.pem,key=${tls}/key.pem`]);
    await cli(config, ['context', 'create', 'dec-missing', '--docker', `host=unix://${work}/no-such.sock`]);
  });

  test('DOCKER_CONTEXT routes to the context\'s engine, and docker.endpoint says so', async () => {
    const docker = track(DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dec-unix' }));
    expect(docker.endpoint).toMatchObject({ host: `unix://${engineSocketPath()}`, source: 'DOCKER_CONTEXT', context: 'dec-unix', tls: false });
    expect(docker.endpoint.reason).toBe(`context "dec-unix" (DOCKER_CONTEXT): unix://${engineSocketPath()}`);
    expect((await docker.info()).ID).toBe(engineId);
  });

  test('`docker context use` sets currentContext; DOCKER_HOST still wins over it', async () => {
    await cli(config, ['context', 'use', 'dec-unix']);
    const docker = track(DockerClient.fromEnv({ DOCKER_CONFIG: config }));
    expect(docker.endpoint).toMatchObject({ source: 'currentContext', context: 'dec-unix', file: expect.stringContaining(path.join(config, 'contexts', 'meta')) });
    expect((await docker.info()).ID).toBe(engineId);
    const host = podmanHost();
    if (host === undefined) throw new Error('DEC_PODMAN_HOST is not set: run with `npm test`');
    const other = track(DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_HOST: host }));
    expect(other.endpoint.source).toBe('DOCKER_HOST');
    expect((await other.version()).Components?.map((c) => c.Name)).toContain('Podman Engine');
    await cli(config, ['context', 'use', 'default']);
  });

  test('a TLS context: dockerd\'s tcp listener with the context\'s certificates', async () => {
    const docker = track(DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dec-tls' }));
    expect(docker.endpoint).toMatchObject({ host: required('DEC_TLS_HOST'), tls: true, context: 'dec-tls' });
    expect((await docker.info()).ID).toBe(engineId);
  });

  test('a TLS context whose CA did not sign the engine\'s certificate fails with a TLS error', async () => {
    const docker = track(DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dec-wrong-ca' }));
    const err = await docker.ping().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect((err as Error).message).toMatch(/certificate|UNABLE_TO_VERIFY|self.signed/i);
    expect((err as Error).message).toContain('context "dec-wrong-ca" (DOCKER_CONTEXT)');
  });

  test('a connection error says which context chose the address', async () => {
    const docker = track(DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dec-missing' }));
    await expect(docker.ping()).rejects.toThrow(`cannot connect to the Docker engine at ${work}/no-such.sock: ENOENT`);
    await expect(docker.ping()).rejects.toThrow(`(context "dec-missing" (DOCKER_CONTEXT): unix://${work}/no-such.sock)`);
  });

  test('an unknown context is a clear error naming it and the store', () => {
    expect(() => DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dec-nope' })).toThrow(/context "dec-nope" \(from DOCKER_CONTEXT\) does not exist: .* in the context store .*contexts\/meta/);
  });
});

describe('DockerClient.discover()', () => {
  test('probes the usual sockets and connects to the first that answers', async () => {
    const xdg = path.join(work, 'xdg');
    mkdirSync(path.join(xdg, 'podman'), { recursive: true });
    // Rootless Docker's place holds a file that is not a socket; Podman's place the rig's engine.
    writeFileSync(path.join(xdg, 'docker.sock'), '');
    symlinkSync(engineSocketPath(), path.join(xdg, 'podman', 'podman.sock'));
    const docker = track(await DockerClient.discover({ env: { XDG_RUNTIME_DIR: xdg, HOME: path.join(work, 'home') } }));
    expect(docker.endpoint).toMatchObject({ source: 'discovered', host: `unix://${xdg}/podman/podman.sock` });
    expect(docker.endpoint.reason).toBe(`DockerClient.discover(): rootless Podman at unix://${xdg}/podman/podman.sock`);
    expect((await docker.ping()).apiVersion).toMatch(/^1\.\d+$/);
  });

  test('at the default socket, a connection error says how it was chosen and points to discover()', async () => {
    const docker = track(DockerClient.fromEnv({ HOME: path.join(work, 'home-default') }));
    expect(docker.endpoint).toMatchObject({ host: 'unix:///var/run/docker.sock', source: 'default' });
    const err = await docker.ping().then(() => undefined, (e: unknown) => e);
    if (existsSync('/var/run/docker.sock')) {
      // This machine has an engine there: the default simply works (the message is checked where there is none).
      expect(err).toBeUndefined();
    } else {
      expect((err as Error).message).toBe(
        'cannot connect to the Docker engine at /var/run/docker.sock: ENOENT connect ENOENT /var/run/docker.sock ' +
          `(the default socket (DOCKER_HOST and DOCKER_CONTEXT unset, no currentContext in ${work}/home-default/.docker/config.json): ` +
          'unix:///var/run/docker.sock; DockerClient.discover() probes the rootless, Desktop and Podman sockets)',
      );
    }
  });

  test('nothing answers: the error lists every place tried', async () => {
    const home = path.join(work, 'home-empty');
    const err = await DockerClient.discover({ env: { HOME: home, XDG_RUNTIME_DIR: path.join(work, 'xdg-empty') } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerConnectionError);
    for (const p of [`${work}/xdg-empty/docker.sock`, `${home}/.docker/run/docker.sock`, `${home}/.docker/desktop/docker.sock`, `${work}/xdg-empty/podman/podman.sock`, '/run/podman/podman.sock']) {
      expect((err as Error).message).toContain(p);
    }
  });
});

describe('tcp://host:port/path-prefix', () => {
  test('every request goes below the prefix (an engine behind a path-routing proxy)', async () => {
    const seen: string[] = [];
    // A plain reverse proxy on loopback that serves the engine only below /dec-prefix.
    const proxy = createServer((req, res) => {
      seen.push(req.url!);
      if (!req.url!.startsWith('/dec-prefix/')) {
        res.writeHead(404).end('{"message":"outside the prefix"}');
        return;
      }
      const up = httpRequest({ socketPath: engineSocketPath(), method: req.method, path: req.url!.slice('/dec-prefix'.length), headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const { port } = proxy.address() as { port: number };
    const docker = track(DockerClient.fromEnv({ DOCKER_HOST: `tcp://127.0.0.1:${port}/dec-prefix` }));
    try {
      expect((await docker.images.list()).flatMap((i) => i.RepoTags ?? [])).toContain(baseImage());
      expect(seen[0]).toBe('/dec-prefix/_ping');
      expect(seen[1]).toMatch(/^\/dec-prefix\/v1\.\d+\/images\/json/);
    } finally {
      await docker.close();
      await new Promise((r) => proxy.close(r));
    }
  });
});

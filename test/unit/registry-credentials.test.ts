/**
 * Registry credentials like the docker CLI (src/registry/credentials.ts): the host-name normalisation table, the
 * order DOCKER_AUTH_CONFIG → credHelpers → credsStore → auths, and the credential-helper protocol with helper
 * executables written here (real processes speaking the protocol over stdio: one that answers, one that has
 * nothing, one that fails, one that hangs, one that prints its secret and then fails). The real
 * docker-credential-pass is exercised in test/cli-config.test.ts. Secrets never reach an error.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DOCKER_HUB_KEY, DockerClient, DockerCredentialsError, DockerInputError, RegistryCredentials, registryKey } from '../../src/index';

describe('registryKey: how the CLI keys a registry', () => {
  test.each([
    ['busybox', DOCKER_HUB_KEY],
    ['library/busybox:1.36', DOCKER_HUB_KEY],
    ['docker.io/library/busybox', DOCKER_HUB_KEY],
    ['docker.io', DOCKER_HUB_KEY],
    ['index.docker.io', DOCKER_HUB_KEY],
    ['registry-1.docker.io', DOCKER_HUB_KEY],
    ['index.docker.io/org/app', DOCKER_HUB_KEY],
    ['https://index.docker.io/v1/', DOCKER_HUB_KEY],
    ['https://registry-1.docker.io/v2/', DOCKER_HUB_KEY],
    ['ghcr.io', 'ghcr.io'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['https://ghcr.io', 'ghcr.io'],
    ['http://ghcr.io/v2/', 'ghcr.io'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
    ['127.0.0.1:5000/private/base@sha256:' + 'a'.repeat(64), '127.0.0.1:5000'],
    ['localhost', 'localhost'],
    ['localhost/app', 'localhost'],
    ['[::1]:5000/app', '[::1]:5000'],
    ['my-registry.example.com:443/team/app', 'my-registry.example.com:443'],
  ])('%s → %s', (input, key) => {
    expect(registryKey(input)).toBe(key);
  });

  test('bad input is a DockerInputError', () => {
    expect(() => registryKey('')).toThrow(DockerInputError);
    expect(() => registryKey('Not/Valid')).toThrow(/invalid image reference/);
  });
});

describe('resolve', () => {
  let dir: string;
  let bin: string;
  const SECRET = 'pa55-?????~~~~~-secret';

  function env(extra: Record<string, string> = {}): Record<string, string | undefined> {
    return { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}`, ...extra };
  }
  function config(content: unknown): void {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(content));
  }
  /** A helper executable `docker-credential-<name>` running `script` (sh). */
  function helper(name: string, script: string): void {
    const file = join(bin, `docker-credential-${name}`);
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
  }
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dec-creds-'));
    bin = join(dir, 'bin');
    mkdirSync(bin);
    // Answers with the server URL it was given, so the test sees what was asked; records the arguments.
    helper('echo', `read url; echo "$@" >> "${dir}/echo-args"; printf '{"ServerURL":"%s","Username":"u-%s","Secret":"${SECRET}"}' "$url" "$url"`);
    helper('token', `read url; printf '{"ServerURL":"%s","Username":"<token>","Secret":"tok-123"}' "$url"`);
    helper('none', `read url; echo "credentials not found in native keychain"; exit 1`);
    helper('fail', `read url; echo "gpg: decryption failed: No secret key" >&2; exit 1`);
    helper('leaky', `read url; printf '{"Username":"x","Secret":"${SECRET}"}'; exit 3`);
    helper('garbage', `read url; echo "not json ${SECRET}"`);
    helper('hang', 'exec sleep 600');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('auths: base64 user:password, keyed by host; Hub under https://index.docker.io/v1/', async () => {
    config({ auths: { 'reg.example:5000': { auth: b64(`alice:${SECRET}`) }, [DOCKER_HUB_KEY]: { auth: b64('hubuser:hubpass') } } });
    const creds = new RegistryCredentials({ env: env() });
    expect(await creds.resolve('reg.example:5000/team/app:1')).toEqual({ username: 'alice', password: SECRET, serveraddress: 'reg.example:5000' });
    expect(await creds.resolve('busybox')).toEqual({ username: 'hubuser', password: 'hubpass', serveraddress: DOCKER_HUB_KEY });
    expect(await creds.resolve('other.example/app')).toBeUndefined();
  });

  test('auths written with a scheme or as a Hub alias still match', async () => {
    config({ auths: { 'https://reg.example': { auth: b64('a:b') }, 'docker.io': { identitytoken: 'idt' } } });
    const creds = new RegistryCredentials({ env: env() });
    expect(await creds.resolve('reg.example/app')).toMatchObject({ username: 'a', password: 'b' });
    expect(await creds.resolve('index.docker.io/x/y')).toEqual({ identitytoken: 'idt', serveraddress: DOCKER_HUB_KEY });
  });

  test('credHelpers[host] before credsStore before auths; the helper gets the key on stdin and only `get`', async () => {
    config({ credsStore: 'token', credHelpers: { 'reg.example': 'echo' }, auths: { 'reg.example': { auth: b64('file:file') }, 'other.example': { auth: b64('file:file') } } });
    const creds = new RegistryCredentials({ env: env() });
    expect(await creds.resolve('reg.example/app')).toEqual({ username: 'u-reg.example', password: SECRET, serveraddress: 'reg.example' });
    // credsStore covers every registry without its own helper, even one listed in auths (the CLI does the same)
    expect(await creds.resolve('other.example/app')).toEqual({ identitytoken: 'tok-123', serveraddress: 'other.example' });
    expect(readFileSync(join(dir, 'echo-args'), 'utf8').trim().split('\n')).toEqual(['get']);
  });

  test('DOCKER_AUTH_CONFIG is consulted in front of the file', async () => {
    config({ credHelpers: { 'reg.example': 'fail' } });
    const creds = new RegistryCredentials({ env: env({ DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'reg.example': { auth: b64('mem:mem') } } }) }) });
    expect(await creds.resolve('reg.example')).toEqual({ username: 'mem', password: 'mem', serveraddress: 'reg.example' });
  });

  test('"credentials not found" is anonymous, not an error', async () => {
    config({ credsStore: 'none' });
    expect(await new RegistryCredentials({ env: env() }).resolve('reg.example')).toBeUndefined();
  });

  test('a failing helper: typed error naming the helper, with its stderr', async () => {
    config({ credHelpers: { 'reg.example': 'fail' } });
    const err = await new RegistryCredentials({ env: env() }).resolve('reg.example').catch((e) => e);
    expect(err).toBeInstanceOf(DockerCredentialsError);
    expect(err.helper).toBe('docker-credential-fail');
    expect(err.message).toBe('docker-credential-fail get (for reg.example) failed (exit code 1): gpg: decryption failed: No secret key');
  });

  test('a hanging helper is killed after the timeout', async () => {
    config({ credHelpers: { 'reg.example': 'hang' } });
    const err = await new RegistryCredentials({ env: env(), helperTimeout: 300 }).resolve('reg.example').catch((e) => e);
    expect(err).toBeInstanceOf(DockerCredentialsError);
    expect(err.message).toBe('docker-credential-hang get (for reg.example) did not answer within 300 ms and was killed');
  });

  test('a helper that is not installed', async () => {
    config({ credsStore: 'absent-dec' });
    await expect(new RegistryCredentials({ env: env() }).resolve('reg.example')).rejects.toThrow('docker-credential-absent-dec get (for reg.example) cannot run: docker-credential-absent-dec is not on PATH');
  });

  test.each([
    ['prints its secret and fails', 'leaky', /failed \(exit code 3\)$/],
    ['prints non-JSON holding its secret', 'garbage', /printed something that is not JSON on stdout$/],
  ])('a helper that %s: the error never holds the secret', async (_name, name, why) => {
    config({ credsStore: name });
    const err = await new RegistryCredentials({ env: env() }).resolve('reg.example').catch((e) => e);
    expect(err).toBeInstanceOf(DockerCredentialsError);
    expect(err.message).toMatch(why);
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`).not.toContain(SECRET);
  });

  test('a malformed auth entry names the file and registry, not the value', async () => {
    config({ auths: { 'reg.example': { auth: b64(`nocolon${SECRET}`) } } });
    const err = await new RegistryCredentials({ env: env() }).resolve('reg.example').catch((e) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect(err.message).toBe(`${join(dir, 'config.json')}: auths["reg.example"].auth is not base64 of "user:password"`);
    expect(`${err.stack}${JSON.stringify(err)}`).not.toContain(b64(`nocolon${SECRET}`));
  });

  test('debug output of a client never shows DOCKER_AUTH_CONFIG or the credentials', async () => {
    const auth = Buffer.from(`u:${SECRET}`).toString('base64');
    const docker = new DockerClient({ socketPath: '/nonexistent.sock', credentials: { env: env({ DOCKER_AUTH_CONFIG: JSON.stringify({ auths: { 'r.example': { auth } } }) }) } });
    expect(await docker.auth.resolve('r.example')).toMatchObject({ password: SECRET });
    const shown = inspect(docker, { depth: 20, showHidden: true });
    expect(shown).toContain('RegistryCredentials');
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain(auth);
    await docker.close();
  });

  test('resolveConfig: only registries with credentials, keyed like the daemon looks them up', async () => {
    config({ auths: { 'reg.example:5000': { auth: b64('a:b') } } });
    const out = await new RegistryCredentials({ env: env() }).resolveConfig(['reg.example:5000/x', 'reg.example:5000/y:2', 'busybox']);
    expect(out).toEqual({ 'reg.example:5000': { username: 'a', password: 'b', serveraddress: 'reg.example:5000' } });
  });
});

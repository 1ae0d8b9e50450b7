/**
 * `ssh://` hosts over a real OpenSSH server (test/helpers/sshd.ts: 127.0.0.1, throwaway host and client keys,
 * a known_hosts made here) whose `docker system dial-stdio` reaches the rig's dockerd through `--host
 * unix://<socket>`. The client runs the system `ssh`, as the docker CLI does; the test only adds `-F <config>` so
 * that nothing in ~/.ssh is used. After close() no ssh child of this process is left.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DockerClient, DockerConnectionError, DockerInputError, parseHost } from '../src/index';
import { baseImage, engineHost, engineSocketPath } from './helpers/env';
import { childProcesses, startSshd, type Sshd } from './helpers/sshd';

let sshd: Sshd;
beforeAll(async () => {
  sshd = await startSshd({ remoteDockerHost: engineHost() });
});
afterAll(async () => {
  await sshd?.stop();
});

test('ssh:// addresses parse like the docker CLI reads them', () => {
  expect(parseHost('ssh://me@example.com:2222/run/docker.sock')).toEqual({ kind: 'ssh', hostname: 'example.com', user: 'me', port: 2222, socketPath: '/run/docker.sock' });
  expect(parseHost('ssh://example.com')).toEqual({ kind: 'ssh', hostname: 'example.com' });
  expect(() => parseHost('ssh://me:secret-pw@example.com')).toThrow(DockerInputError);
  expect(() => parseHost('ssh://me:secret-pw@example.com')).not.toThrow(/secret-pw/);
});

test('images.list over ssh:// reaches the engine behind the socket path; close() leaves no ssh behind', async () => {
  const docker = new DockerClient({ host: sshd.url(engineSocketPath()), ssh: { options: sshd.clientOptions } });
  const direct = new DockerClient({ host: engineHost() });
  try {
    const names = (await docker.images.list()).flatMap((i) => i.RepoTags ?? []);
    expect(names).toContain(baseImage());
    expect((await docker.info()).ID).toBe((await direct.info()).ID);
    expect(docker.endpoint).toMatchObject({ host: sshd.url(engineSocketPath()), source: 'options' });
    expect(childProcesses('ssh').length).toBeGreaterThan(0);
  } finally {
    await docker.close();
    await direct.close();
  }
  expect(childProcesses('ssh')).toEqual([]);
});

test('a streamed body over ssh: save is byte-for-byte what the unix socket gives', async () => {
  const docker = DockerClient.fromEnv({ ...process.env, DOCKER_HOST: sshd.url(engineSocketPath()) }, { ssh: { options: sshd.clientOptions } });
  const direct = new DockerClient({ host: engineHost() });
  try {
    expect(docker.endpoint.source).toBe('DOCKER_HOST');
    const read = async (s: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks);
    };
    const viaSsh = await read(await docker.images.save(baseImage()));
    const viaSocket = await read(await direct.images.save(baseImage()));
    expect(viaSsh.length).toBeGreaterThan(100_000);
    expect(viaSsh.equals(viaSocket)).toBe(true);
  } finally {
    await docker.close();
    await direct.close();
  }
  expect(childProcesses('ssh')).toEqual([]);
});

test('an ssh:// context made by `docker context create` (DOCKER_CONTEXT); no socket path: the remote docker\'s default', async () => {
  const config = path.join(sshd.dir, 'docker-config');
  mkdirSync(config);
  // Debian's CLI 20.10 takes no socket path in an ssh:// context; the remote's DOCKER_HOST is the rig's engine.
  execFileSync('/usr/bin/docker', ['--config', config, 'context', 'create', 'dec-ssh', '--docker', `host=${sshd.url()}`], { env: { PATH: '/nonexistent', HOME: sshd.dir } });
  const docker = DockerClient.fromEnv({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dec-ssh' }, { ssh: { options: sshd.clientOptions } });
  try {
    expect(docker.endpoint).toMatchObject({ host: sshd.url(), source: 'DOCKER_CONTEXT', context: 'dec-ssh' });
    expect((await docker.images.list()).flatMap((i) => i.RepoTags ?? [])).toContain(baseImage());
  } finally {
    await docker.close();
  }
  expect(childProcesses('ssh')).toEqual([]);
});

test('a host key that does not match known_hosts is refused, with ssh\'s own words', async () => {
  const docker = new DockerClient({ host: sshd.url(engineSocketPath()), ssh: { options: sshd.wrongHostKeyOptions } });
  try {
    const err = await docker.ping().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect((err as Error).message).toBe(`cannot connect to the Docker engine at ssh://${sshd.user}@127.0.0.1:${sshd.port}: ssh exited with code 255: Host key verification failed.`);
  } finally {
    await docker.close();
  }
  expect(childProcesses('ssh')).toEqual([]);
});

test('the remote docker cannot reach the socket: its error line comes back', async () => {
  const docker = new DockerClient({ host: sshd.url('/nonexistent/dec.sock'), ssh: { options: sshd.clientOptions } });
  try {
    const err = await docker.ping().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect((err as Error).message).toMatch(/ssh exited with code \d+: .*\/nonexistent\/dec\.sock/);
  } finally {
    await docker.close();
  }
});

test('no docker on the remote: the shell\'s error line comes back', async () => {
  const docker = new DockerClient({ host: sshd.noDockerUrl(engineSocketPath()), ssh: { options: sshd.clientOptions } });
  try {
    const err = await docker.ping().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect((err as Error).message).toMatch(/ssh exited with code 127: .*docker: (command )?not found/);
  } finally {
    await docker.close();
  }
});

test('no ssh program: a connection error that says so', async () => {
  const docker = new DockerClient({ host: sshd.url(engineSocketPath()), ssh: { command: '/nonexistent/ssh' } });
  try {
    await expect(docker.ping()).rejects.toThrow(/\/nonexistent\/ssh is not on PATH/);
  } finally {
    await docker.close();
  }
});

test('an idle pooled ssh connection does not keep Node alive, and close() still ends it', async () => {
  const docker = new DockerClient({ host: sshd.url(engineSocketPath()), ssh: { options: sshd.clientOptions } });
  const processHandles = () => (process as unknown as { getActiveResourcesInfo(): string[] }).getActiveResourcesInfo().filter((r) => r === 'ProcessWrap').length;
  const before = processHandles(); // sshd's own
  await docker.ping();
  expect(childProcesses('ssh').length).toBeGreaterThan(0);
  // undici unrefs a connection once it is idle (in a later tick); the ssh process handle follows. Only ref'd
  // handles are listed as active.
  for (let i = 0; i < 100 && processHandles() > before; i++) await new Promise((r) => setImmediate(r));
  expect(processHandles()).toBeLessThanOrEqual(before);
  expect(childProcesses('ssh').length).toBeGreaterThan(0);
  await docker.close();
  expect(childProcesses('ssh')).toEqual([]);
});

test('a program that never calls close() still exits by itself, and its ssh dies with it', async () => {
  // A separate Node process: connect over ssh, list images, print its ssh children, and just end.
  const script = path.join(sshd.dir, 'forgetful.ts');
  writeFileSync(
    script,
    `import { DockerClient } from ${JSON.stringify(path.resolve(__dirname, '../src/index'))};
import { childProcesses } from ${JSON.stringify(path.resolve(__dirname, 'helpers/sshd'))};
(async () => {
  const docker = new DockerClient({ host: ${JSON.stringify(sshd.url(engineSocketPath()))}, ssh: { options: ${JSON.stringify(sshd.clientOptions)} } });
  await docker.images.list();
  console.log(JSON.stringify(childProcesses('ssh')));
})();
`,
  );
  // No timeout of ours: if the child kept Node alive, jest's test timeout would fail this test.
  const { stdout } = await promisify(execFile)(path.resolve(__dirname, '../node_modules/.bin/tsx'), [script]);
  const pids = JSON.parse(stdout.trim().split('\n').pop()!) as number[];
  expect(pids.length).toBeGreaterThan(0);
  const running = (pid: number) => {
    try {
      return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false; // gone
    }
  };
  // SIGKILL was sent as the process exited; give the kernel a moment to finish the kill.
  for (let i = 0; i < 200 && pids.some(running); i++) await new Promise((r) => setTimeout(r, 10));
  expect(pids.filter(running)).toEqual([]);
});

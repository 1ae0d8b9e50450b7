/**
 * Type-level tests of docker.containers / docker.exec: compiled by `npm run typecheck`, never run. Each
 * @ts-expect-error must stay an error, so option, filter and result typing cannot decay to `any`.
 */
import type { DockerClient, EventMessage, Frame } from '../../src/index';

export async function containersTyped(docker: DockerClient): Promise<void> {
  // Correct usage compiles, with the generated result types.
  const list = await docker.containers.list({ all: true, filters: { status: ['running', 'exited'], label: { a: 'b' }, exited: 0, health: 'healthy' } });
  const names: string[] | undefined = list[0].Names;
  const { Id } = await docker.containers.create({ Image: 'x', Cmd: ['sh'], HostConfig: { NetworkMode: 'none' } }, { name: 'n', platform: 'linux/amd64' });
  const info = await docker.containers.inspect(Id, { size: true });
  const tty: boolean | undefined = info.Config?.Tty;
  await docker.containers.stop(Id, { t: 1, stopSignal: 'SIGINT' });
  await docker.containers.kill(Id, { killSignal: 'SIGHUP' });
  const waited = await docker.containers.wait(Id, { condition: 'next-exit' });
  const code: number = waited.StatusCode;
  const error: string | undefined = waited.Error?.Message;
  const { stdout, stderr } = await docker.containers.logs(Id, { since: new Date(), tail: 10, timestamps: true });
  for await (const frame of docker.containers.logs(Id, { follow: true })) {
    const f: Frame = frame;
    void f;
  }
  const session = await docker.containers.attach(Id, { stdin: true, logs: false });
  session.stdin.end('x');
  for await (const frame of session) void frame.data;
  const once = await docker.containers.stats(Id, { stream: false });
  const read: string | undefined = once.read;
  for await (const sample of docker.containers.stats(Id)) void sample.cpu_stats;
  const { stat, tar } = await docker.containers.getArchive(Id, '/etc');
  const isDir: boolean = stat.isDirectory;
  await docker.containers.putArchive(Id, '/tmp', new Uint8Array(1024), { noOverwriteDirNonDir: true });
  const ran = await docker.containers.run({ Image: 'x', Cmd: ['true'] }, { stdin: 'in', keep: false });
  const execd = await docker.containers.exec(Id, ['sh', '-c', 'true'], { env: ['A=b'], tty: false });
  const exitCode: number = execd.exitCode + ran.exitCode;
  const exec = await docker.exec.create(Id, { Cmd: ['true'], AttachStdout: true });
  const execSession = await docker.exec.start(exec.Id);
  await docker.exec.start(exec.Id, { detach: true });
  const event: EventMessage = { Type: 'container', Action: 'start', timeNano: '1796199282242381787' };
  void [names, tty, code, error, stdout, stderr, read, tar, isDir, exitCode, execSession, event];

  // @ts-expect-error — unknown filter key for containers.list
  await docker.containers.list({ filters: { colour: 'red' } });
  // @ts-expect-error — `status` takes the spec's states only
  await docker.containers.list({ filters: { status: 'sleeping' } });
  // @ts-expect-error — `signal` is the AbortSignal; the stop signal is `stopSignal`
  await docker.containers.stop(Id, { signal: 'SIGINT' });
  // @ts-expect-error — an unknown wait condition
  await docker.containers.wait(Id, { condition: 'exited' });
  // @ts-expect-error — `tail` is a count or 'all'
  docker.containers.logs(Id, { tail: 'last' });
  // @ts-expect-error — the create body is the spec's: Image is a string
  await docker.containers.create({ Image: 1 });
  // @ts-expect-error — `timeNano` is the exact decimal string, not a (rounded) number
  const lossy: EventMessage = { timeNano: 1796199282242381800 };
  // @ts-expect-error — a detached start resolves with nothing to iterate
  for await (const frame of await docker.exec.start(exec.Id, { detach: true })) void frame;
  void lossy;
}

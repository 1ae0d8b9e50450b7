/**
 * docker.containers and docker.exec against each real engine (dockerd, Podman): lifecycle, attach, exec, logs,
 * stats, top, changes, wait, remove, prune, the exec/run conveniences, version gates and input checks. Files in
 * and out are in containers-files.test.ts. Where Podman answers differently the test asserts what it does
 * (`engine.differs`). Every container runs with network `none`, carries this run's label and is removed in afterAll.
 */
import { randomBytes } from 'node:crypto';
import { DockerAbortError, DockerApiError, DockerClient, DockerFilterError, DockerInputError, type ContainerCreateConfig, type Frame } from '../src/index';
import { engines, type Engine } from './helpers/engines';
import { baseImage } from './helpers/env';
import { tarOf } from './helpers/tar-of';

const RUN_LABEL = 'dec.test.containers';
const RUN_ID = `${process.pid}-${Date.now()}`;

describe.each(engines())('$name', (engine: Engine) => {
  let docker: DockerClient;
  const created: string[] = [];

  /** Create a container of this run (network none, labelled); removed in afterAll. */
  async function make(config: Partial<ContainerCreateConfig> = {}): Promise<string> {
    const { Id } = await docker.containers.create({
      Image: baseImage(),
      Cmd: ['sleep', '300'],
      ...config,
      Labels: { [RUN_LABEL]: RUN_ID, ...config.Labels },
      HostConfig: { NetworkMode: 'none', ...config.HostConfig },
    });
    created.push(Id);
    return Id;
  }

  async function running(config: Partial<ContainerCreateConfig> = {}): Promise<string> {
    const id = await make(config);
    await docker.containers.start(id);
    return id;
  }

  beforeAll(() => {
    docker = engine.client();
  });
  afterAll(async () => {
    await Promise.all(created.map((id) => docker.containers.remove(id, { force: true }).catch(() => {})));
    await docker.close();
  });

  describe('attach', () => {
    test('cat with OpenStdin/StdinOnce: write hello, end stdin → exactly hello back, exit 0', async () => {
      const id = await make({ Cmd: ['cat'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
      const session = await docker.containers.attach(id);
      await docker.containers.start(id);
      session.stdin.write('hello\n');
      session.stdin.end();
      const frames: Frame[] = [];
      for await (const frame of session) frames.push(frame);
      expect(Buffer.concat(frames.map((f) => f.data)).toString()).toBe('hello\n');
      expect(frames.every((f) => f.stream === 'stdout')).toBe(true);
      expect(await docker.containers.wait(id)).toEqual({ StatusCode: 0, Error: null });
    });

    test('a TTY container is read raw (the mode comes from its config)', async () => {
      const id = await make({ Cmd: ['sh', '-c', 'read x; echo "got $x" >&2'], Tty: true, OpenStdin: true, StdinOnce: true });
      const session = await docker.containers.attach(id);
      expect(session.mode).toBe('raw');
      await docker.containers.start(id);
      // EOF on a terminal's stdin hangs it up: end only once the answer is there.
      session.stdin.write('y\n');
      let out = '';
      for await (const frame of session) {
        out += frame.data.toString();
        if (out.includes('got y\r\n')) session.stdin.end();
      }
      expect(out).toBe('y\r\ngot y\r\n');
    });

    test('unknown container → DockerApiError 404; abort ends the session with DockerAbortError', async () => {
      await expect(docker.containers.attach('dec-no-such-container')).rejects.toMatchObject({ status: 404 });
      const id = await running({ Cmd: ['cat'], OpenStdin: true });
      const controller = new AbortController();
      const session = await docker.containers.attach(id, { signal: controller.signal });
      session.stdin.write('x\n');
      const err = await (async () => {
        for await (const frame of session) {
          expect(frame.data.toString()).toBe('x\n');
          controller.abort();
        }
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerAbortError);
      await session.closed;
    });
  });

  describe('exec', () => {
    let id: string;
    beforeAll(async () => {
      id = await running();
    });

    test('separates stdout and stderr and reports the exit code', async () => {
      const result = await docker.containers.exec(id, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
      expect(result).toEqual({ exitCode: 3, stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n') });
    });

    test('stdin: 1 MiB of random bytes through cat come back identical', async () => {
      const input = randomBytes(1024 * 1024);
      const result = await docker.containers.exec(id, ['cat'], { stdin: input });
      expect(result.exitCode).toBe(0);
      expect(result.stderr.length).toBe(0);
      expect(result.stdout.equals(input)).toBe(true);
    });

    test('stdin from a stream; env, workingDir and user are applied', async () => {
      async function* lines(): AsyncGenerator<string> {
        yield 'a\n';
        yield 'b\n';
      }
      const result = await docker.containers.exec(id, ['sh', '-c', 'cat; echo "$GREETING $(pwd) $(id -u)"'], {
        stdin: lines(),
        env: ['GREETING=hi'],
        workingDir: '/tmp',
        user: '1234',
      });
      expect(result.stdout.toString()).toBe('a\nb\nhi /tmp 1234\n');
    });

    test('a process that exits before reading its stdin still gives its result', async () => {
      const result = await docker.containers.exec(id, ['sh', '-c', 'head -c 3; exit 5'], { stdin: randomBytes(4 * 1024 * 1024) });
      expect(result.exitCode).toBe(5);
      engine.differs(
        'podman',
        'Podman sometimes drops the output of an exec whose process exits while its stdin is still being written (a race in Podman: 0 or all 3 bytes)',
        () => expect([0, 3]).toContain(result.stdout.length),
        () => expect(result.stdout.length).toBe(3),
      );
    });

    test('a TTY exec returns raw output, all in stdout', async () => {
      const result = await docker.containers.exec(id, ['sh', '-c', 'echo out; echo err >&2'], { tty: true });
      expect(result).toEqual({ exitCode: 0, stdout: Buffer.from('out\r\nerr\r\n'), stderr: Buffer.alloc(0) });
    });

    test('docker.exec step by step: create, start (session), inspect', async () => {
      const { Id } = await docker.exec.create(id, { Cmd: ['sh', '-c', 'cat >&2'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
      const session = await docker.exec.start(Id);
      expect(session.mode).toBe('multiplexed');
      session.stdin.end('to stderr');
      const frames: Frame[] = [];
      for await (const frame of session) frames.push(frame);
      expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([['stderr', 'to stderr']]);
      const info = await docker.exec.inspect(Id);
      expect(info.ProcessConfig?.entrypoint).toBe('sh');
      const again = await docker.exec.start(Id, { detach: true }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(DockerApiError);
      engine.differs(
        'podman',
        'Podman answers 500 "exec session state improper" where dockerd answers 409',
        () => expect(again).toMatchObject({ status: 500, daemonMessage: expect.stringContaining('can only start created exec sessions') }),
        () => expect(again).toMatchObject({ status: 409, daemonMessage: `Error: Exec command ${Id} has already run` }),
      );
    });

    test('exec.resize sets the size of a running TTY exec', async () => {
      const { Id } = await docker.exec.create(id, { Cmd: ['sh', '-c', 'sleep 0.5; stty size'], Tty: true, AttachStdout: true });
      const session = await docker.exec.start(Id);
      await docker.exec.resize(Id, { h: 33, w: 77 });
      let out = '';
      for await (const frame of session) out += frame.data.toString();
      expect(out).toBe('33 77\r\n');
    });

    test('bad input is refused before sending', async () => {
      await expect(docker.containers.exec(id, [])).rejects.toBeInstanceOf(DockerInputError);
      await expect(docker.containers.exec(id, ['true'], { stdin: 42 as unknown as string })).rejects.toThrow('containers.exec: option "stdin" must be');
      await expect(docker.exec.create(id, { Cmd: [] })).rejects.toBeInstanceOf(DockerInputError);
      await expect(docker.exec.resize('x', { h: 0, w: 80 })).rejects.toThrow('exec.resize: `h` must be a positive integer, got 0');
    });
  });

  describe('logs', () => {
    test('exact stdout/stderr separation with a 100 KiB binary blob', async () => {
      const blob = randomBytes(100 * 1024);
      // dockerd's default json-file driver stores lines as JSON strings and turns invalid UTF-8 into U+FFFD;
      // the `local` driver keeps bytes. Podman's default (k8s-file) keeps them.
      const logConfig = engine.name === 'docker' ? { LogConfig: { Type: 'local' as const, Config: {} } } : {};
      const id = await make({ Cmd: ['sh', '-c', 'echo start; cat /blob.bin; echo err >&2'], HostConfig: { NetworkMode: 'none', ...logConfig } });
      await docker.containers.putArchive(id, '/', await tarOf({ 'blob.bin': blob }));
      await docker.containers.start(id);
      await docker.containers.wait(id);
      const { stdout, stderr } = await docker.containers.logs(id);
      expect(stderr.toString()).toBe('err\n');
      expect(stdout.subarray(0, 6).toString()).toBe('start\n');
      expect(stdout.length).toBe(6 + blob.length);
      expect(stdout.subarray(6).equals(blob)).toBe(true);
    });

    test('follow: frames arrive while the container runs and the iteration ends when it exits', async () => {
      const id = await running({ Cmd: ['sh', '-c', 'for i in 1 2 3; do echo $i; sleep 0.2; done'] });
      const seen: string[] = [];
      for await (const frame of docker.containers.logs(id, { follow: true })) seen.push(frame.data.toString());
      expect(seen.join('')).toBe('1\n2\n3\n');
    });

    test('the signal ends a follow that would never end, with DockerAbortError', async () => {
      const id = await running({ Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
      const controller = new AbortController();
      let ticks = 0;
      const err = await (async () => {
        for await (const frame of docker.containers.logs(id, { follow: true, signal: controller.signal })) {
          if (frame.data.toString().includes('tick') && ++ticks === 2) controller.abort();
        }
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerAbortError);
      expect(ticks).toBe(2);
    });

    test('tail, since, timestamps, stdout/stderr selection', async () => {
      const id = await running({ Cmd: ['sh', '-c', 'echo a; echo b; echo c >&2'] });
      await docker.containers.wait(id);
      // tail counts lines of both streams, whose relative order in the log is a race between two pipes; a container
      // writing stdout only makes it exact.
      const onlyOut = await running({ Cmd: ['sh', '-c', 'echo x; echo y; echo z'] });
      await docker.containers.wait(onlyOut);
      expect((await docker.containers.logs(onlyOut, { tail: 2 })).stdout.toString()).toBe('y\nz\n');
      expect((await docker.containers.logs(onlyOut, { tail: 'all' })).stdout.toString()).toBe('x\ny\nz\n');
      expect((await docker.containers.logs(id, { stdout: false })).stderr.toString()).toBe('c\n');
      expect((await docker.containers.logs(id, { stderr: false })).stdout.toString()).toBe('a\nb\n');
      const future = await docker.containers.logs(id, { since: new Date(Date.now() + 3600_000) });
      expect(future.stdout.length + future.stderr.length).toBe(0);
      const stamped = (await docker.containers.logs(id, { timestamps: true, stderr: false })).stdout.toString();
      engine.differs(
        'podman',
        'Podman stamps whole seconds (RFC 3339); dockerd nanoseconds (RFC 3339 nano)',
        () => expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ a\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ b\n$/),
        () => expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z a\n\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z b\n$/),
      );
    });

    test('a TTY container logs raw; bad options and double consumption are refused', async () => {
      const id = await running({ Cmd: ['sh', '-c', 'echo out; echo err >&2'], Tty: true });
      await docker.containers.wait(id);
      expect(await docker.containers.logs(id)).toEqual({ stdout: Buffer.from('out\r\nerr\r\n'), stderr: Buffer.alloc(0) });
      expect(() => docker.containers.logs(id, { tail: -1 })).toThrow('containers.logs: option "tail" must be a non-negative integer or "all", got -1');
      expect(() => docker.containers.logs(id, { since: 'yesterday' as unknown as number })).toThrow(DockerInputError);
      const output = docker.containers.logs(id);
      for await (const frame of output) void frame;
      await expect(output).rejects.toThrow('logs: the output was already iterated');
      await expect(docker.containers.logs('dec-no-such-container')).rejects.toMatchObject({ status: 404 });
    });
  });

  describe('stats, top, changes', () => {
    let id: string;
    beforeAll(async () => {
      id = await running();
    });

    test('one-shot stats is one sample of this container', async () => {
      const stats = await docker.containers.stats(id, { stream: false, 'one-shot': true });
      expect(typeof stats.read).toBe('string');
      expect(stats.pids_stats?.current).toBeGreaterThanOrEqual(1);
      engine.differs(
        'podman',
        'Podman spells the id field `Id` (the spec says `id`)',
        () => expect((stats as Record<string, unknown>).Id).toBe(id),
        () => expect(stats.id).toBe(id),
      );
    });

    test('streamed stats: take two samples, then stop', async () => {
      const reads: string[] = [];
      for await (const sample of docker.containers.stats(id)) {
        reads.push(sample.read!);
        if (reads.length === 2) break;
      }
      expect(reads).toHaveLength(2);
      expect(Date.parse(reads[1])).toBeGreaterThan(Date.parse(reads[0]));
    });

    test('streamed stats end with DockerAbortError on abort', async () => {
      const controller = new AbortController();
      const err = await (async () => {
        for await (const sample of docker.containers.stats(id, { signal: controller.signal })) {
          expect(typeof sample.read).toBe('string');
          controller.abort();
        }
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerAbortError);
    });

    test('top lists the sleep process', async () => {
      const top = await docker.containers.top(id);
      const column = top.Titles!.findIndex((t) => /CMD|COMMAND/.test(t));
      expect(top.Processes!.some((p) => p[column].includes('sleep 300'))).toBe(true);
    });

    test('changes: added (1) and changed (0) paths; none → []', async () => {
      const fresh = await running();
      const before = await docker.containers.changes(fresh);
      engine.differs(
        'podman',
        'Podman reports /etc changed in a fresh container (it writes hosts and resolv.conf there)',
        () => expect(before).toEqual([{ Path: '/etc', Kind: 0 }]),
        () => expect(before).toEqual([]),
      );
      await docker.containers.exec(fresh, ['sh', '-c', 'mkdir /made && touch /made/file']);
      const changes = await docker.containers.changes(fresh);
      expect(changes).toEqual(expect.arrayContaining([{ Path: '/made', Kind: 1 }, { Path: '/made/file', Kind: 1 }]));
    });
  });

  describe('lifecycle', () => {
    test('create (named), inspect, list with filters, rename, pause/unpause, restart, stop, wait, remove', async () => {
      const name = `dec-life-${RUN_ID}`;
      const id = await make({ Labels: { 'dec.test.role': 'lifecycle' } });
      expect((await docker.containers.inspect(id)).State?.Status).toBe('created');
      await docker.containers.rename(id, name);
      expect((await docker.containers.inspect(name)).Id).toBe(id);
      await docker.containers.start(name);
      await docker.containers.start(name); // already running: 304, resolves
      const listed = await docker.containers.list({ filters: { label: { 'dec.test.role': 'lifecycle', [RUN_LABEL]: RUN_ID }, status: 'running' } });
      expect(listed.map((c) => c.Id)).toEqual([id]);
      expect(await docker.containers.list({ filters: { id: id, status: ['exited', 'created'] } })).toEqual([]);
      await docker.containers.pause(id);
      expect((await docker.containers.inspect(id)).State?.Paused).toBe(true);
      await docker.containers.unpause(id);
      const started = (await docker.containers.inspect(id)).State?.StartedAt;
      await docker.containers.restart(id, { t: 0 });
      expect((await docker.containers.inspect(id)).State?.StartedAt).not.toBe(started);
      const waiting = docker.containers.wait(id, { condition: 'not-running' });
      await docker.containers.stop(id, { t: 0 });
      await docker.containers.stop(id, { t: 0 }); // already stopped: 304, resolves
      expect(await waiting).toEqual({ StatusCode: 137, Error: null });
      await docker.containers.remove(id);
      await expect(docker.containers.inspect(id)).rejects.toMatchObject({ status: 404 });
    });

    test('kill with a signal; a stopped container cannot be killed (409)', async () => {
      const id = await running({ Cmd: ['sh', '-c', 'trap "exit 42" USR1; echo ready; while true; do sleep 0.1; done'] });
      // PID 1 ignores a signal it has no handler for: send it only once the trap is set.
      for await (const frame of docker.containers.logs(id, { follow: true })) if (frame.data.toString().includes('ready')) break;
      await docker.containers.kill(id, { killSignal: 'SIGUSR1' });
      expect((await docker.containers.wait(id)).StatusCode).toBe(42);
      const err = await docker.containers.kill(id).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerApiError);
      engine.differs(
        'podman',
        'Podman answers 500 "container state improper" where dockerd answers 409',
        () => expect(err).toMatchObject({ status: 500, daemonMessage: expect.stringContaining('container state improper') }),
        () => expect(err).toMatchObject({ status: 409, daemonMessage: `Cannot kill container: ${id}: Container ${id} is not running` }),
      );
    });

    test('update resources and resize a TTY container', async () => {
      const id = await running({ Tty: true, Cmd: ['sh', '-c', 'sleep 300'] });
      const updating = docker.containers.update(id, { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
      await engine.differs(
        'podman',
        'Podman 4.3 has no POST /containers/{id}/update in its Docker-compatible API (404 Not Found)',
        async () => expect(await updating.catch((e: unknown) => e)).toMatchObject({ status: 404 }),
        async () => {
          // dockerd started without IP forwarding warns about it on every update.
          expect(Array.isArray((await updating).Warnings)).toBe(true);
          expect((await docker.containers.inspect(id)).HostConfig?.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 2 });
        },
      );
      await docker.containers.resize(id, { h: 40, w: 120 });
      // The size of the container's own terminal (its main process's stdin), not of an exec's.
      const size = await docker.containers.exec(id, ['stty', '-F', '/proc/1/fd/0', 'size']);
      expect(size.stdout.toString()).toBe('40 120\n');
    });

    test('prune removes stopped containers matching the label filter', async () => {
      const keepRunning = await running({ Labels: { 'dec.test.prune': RUN_ID } });
      const stopped = await make({ Labels: { 'dec.test.prune': RUN_ID }, Cmd: ['true'] });
      await docker.containers.start(stopped);
      await docker.containers.wait(stopped);
      const result = await docker.containers.prune({ filters: { label: { 'dec.test.prune': RUN_ID } } });
      expect(result.ContainersDeleted).toEqual([stopped]);
      expect((await docker.containers.inspect(keepRunning)).State?.Running).toBe(true);
    });

    test('run: create + attach + start + collect + wait + remove; with stdin; keep', async () => {
      const result = await docker.containers.run({ Image: baseImage(), Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 3'], HostConfig: { NetworkMode: 'none' } });
      expect(result).toMatchObject({ exitCode: 3, stdout: Buffer.from('out\n'), stderr: Buffer.from('err\n') });
      await expect(docker.containers.inspect(result.id)).rejects.toMatchObject({ status: 404 });
      const kept = await docker.containers.run(
        { Image: baseImage(), Cmd: ['tr', 'a-z', 'A-Z'], Labels: { [RUN_LABEL]: RUN_ID }, HostConfig: { NetworkMode: 'none' } },
        { stdin: 'shout\n', keep: true },
      );
      created.push(kept.id);
      expect(kept.stdout.toString()).toBe('SHOUT\n');
      expect((await docker.containers.inspect(kept.id)).State?.ExitCode).toBe(0);
    });

    test('a pending wait and an attached session do not hold the connection short calls need', async () => {
      const narrow = new DockerClient({ host: engine.host, maxConnections: 1 });
      try {
        const id = await running();
        // An upgraded connection leaves the pool (undici hands the socket over), so the wait still gets one.
        const session = await narrow.containers.attach(id, { stdin: false });
        const waiting = narrow.containers.wait(id);
        // With one connection per lane, an inspect answers only if the wait does not sit on the call lane.
        expect((await narrow.containers.inspect(id)).State?.Running).toBe(true);
        await narrow.containers.kill(id);
        expect((await waiting).StatusCode).toBe(137);
        await session.close();
      } finally {
        await narrow.close();
      }
    });

    test('with one stream connection, an attach waits for the followed logs holding it, and is answered once they end', async () => {
      const narrow = new DockerClient({ host: engine.host, maxConnections: 1 });
      try {
        const id = await running();
        await narrow.negotiate();
        const ac = new AbortController();
        const logs = narrow.containers.logs(id, { follow: true, stdout: true, signal: ac.signal })[Symbol.asyncIterator]();
        const reading = logs.next().catch((err: Error) => err);
        let logsOpen = true;
        // An attach is answered in milliseconds when it has a connection; this one must wait for the logs' one.
        const attached = narrow.containers.attach(id, { stdin: false }).then((session) => ({ session, logsOpen }));
        await new Promise((resolve) => setTimeout(resolve, 500));
        logsOpen = false;
        ac.abort();
        await reading;
        const { session, logsOpen: openWhenAnswered } = await attached;
        await session.close();
        expect(openWhenAnswered).toBe(false);
      } finally {
        await narrow.close();
      }
    });

    test('wait next-exit and removed', async () => {
      const id = await make({ Cmd: ['true'] });
      const nextExit = docker.containers.wait(id, { condition: 'next-exit' });
      await docker.containers.start(id);
      expect((await nextExit).StatusCode).toBe(0);
      const removed = docker.containers.wait(id, { condition: 'removed' });
      await docker.containers.remove(id);
      expect((await removed).StatusCode).toBe(0);
    });
  });

  describe('checks before sending', () => {
    test('version-gated options are refused on an older API', async () => {
      const old = new DockerClient({ host: engine.host, apiVersion: '1.40' });
      try {
        await expect(old.containers.stop('x', { stopSignal: 'SIGINT' })).rejects.toThrow(
          'containers.stop: option "signal" needs Engine API v1.42 or newer, but this engine speaks v1.40',
        );
        await expect(old.containers.create({ Image: baseImage() }, { platform: 'linux/amd64' })).rejects.toThrow('needs Engine API v1.41');
        await expect(old.containers.stats('x', { stream: false, 'one-shot': true })).rejects.toBeInstanceOf(DockerInputError);
        // A body field newer than the engine (generated/api-since.ts) is refused too: the daemon would drop it.
        await expect(docker.containers.create({ Image: baseImage(), HostConfig: { Annotations: { a: 'b' } } })).rejects.toThrow(
          'containers.create: body field "HostConfig.Annotations" needs Engine API v1.43 or newer, but this engine speaks v1.41',
        );
        await expect(docker.exec.create('x', { Cmd: ['true'], ConsoleSize: [10, 10] })).rejects.toThrow('needs Engine API v1.42');
      } finally {
        await old.close();
      }
    });

    test('unknown filter keys, bad names and sizes', async () => {
      await expect(docker.containers.list({ filters: { colour: 'red' } as never })).rejects.toBeInstanceOf(DockerFilterError);
      await expect(docker.containers.list({ filters: { status: 3 } as never })).rejects.toThrow('containers.list filter "status" must be');
      await expect(docker.containers.inspect('')).rejects.toBeInstanceOf(DockerInputError);
      await expect(docker.containers.resize('x', { h: 10, w: 1.5 })).rejects.toThrow('containers.resize: `w` must be a positive integer, got 1.5');
      await expect(docker.containers.create({ Image: baseImage() }, { platform: { architecture: 'amd64' } as never })).rejects.toThrow(DockerInputError);
    });
  });
});

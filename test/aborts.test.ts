/**
 * One abort rule for every call and stream (core/spec.ts `CallOptions`), against each real engine: an abort the
 * caller asked for rejects with DockerAbortError — the call, the iteration, or the byte stream — and never lets a
 * stream end quietly, even when what was left of it had already arrived. Leaving a loop (`break`) is the quiet way
 * to stop. Per-call abort tests with more detail: containers.test.ts (logs, stats, attach), system-events.test.ts,
 * images-transfer.test.ts (a build the engine stops), upgrade.test.ts (sessions).
 */
import type { Readable } from 'node:stream';
import { DockerAbortError, type DockerClient } from '../src/index';
import { engines, type Engine } from './helpers/engines';
import { baseImage } from './helpers/env';
import { tarOf } from './helpers/tar-of';

const RUN_LABEL = 'dec.test.aborts';
const RUN_ID = `${process.pid}-${Date.now()}`;

/** How `run` ended: DockerAbortError expected. */
async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  return 'resolved';
}

async function drain(items: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  return n;
}

async function readAll(stream: Readable | Promise<Readable>): Promise<number> {
  let bytes = 0;
  for await (const chunk of await stream) bytes += (chunk as Buffer).length;
  return bytes;
}

describe.each(engines())('$name', (engine: Engine) => {
  let docker: DockerClient;
  let id: string;
  let saved: Buffer;

  beforeAll(async () => {
    docker = engine.client();
    const created = await docker.containers.create({
      Image: baseImage(),
      Cmd: ['sleep', '300'],
      Labels: { [RUN_LABEL]: RUN_ID },
      HostConfig: { NetworkMode: 'none' },
    });
    id = created.Id;
    await docker.containers.start(id);
    const chunks: Buffer[] = [];
    for await (const chunk of await docker.images.save(baseImage())) chunks.push(chunk as Buffer);
    saved = Buffer.concat(chunks);
  });
  afterAll(async () => {
    await docker.containers.remove(id, { force: true }).catch(() => {});
    await docker.close();
  });

  test('an aborted signal: every streaming call rejects with DockerAbortError', async () => {
    const signal = AbortSignal.abort(new Error('not wanted'));
    const { Id: execId } = await docker.exec.create(id, { Cmd: ['true'], AttachStdout: true });
    const dockerfile = await tarOf({ Dockerfile: `FROM ${baseImage()}\nRUN true\n` });
    const calls: Record<string, () => unknown> = {
      'system.events': () => drain(docker.system.events({ signal })),
      'containers.logs (iterated)': () => drain(docker.containers.logs(id, { signal })),
      'containers.logs (awaited)': async () => docker.containers.logs(id, { signal }),
      'containers.stats': () => drain(docker.containers.stats(id, { signal })),
      'containers.attach': () => docker.containers.attach(id, { signal }),
      'exec.start': () => docker.exec.start(execId, { signal }),
      'containers.exec': () => docker.containers.exec(id, ['true'], { signal }),
      'containers.wait': () => docker.containers.wait(id, { signal }),
      'containers.export': () => readAll(docker.containers.export(id, { signal })),
      'containers.getArchive': async () => readAll((await docker.containers.getArchive(id, '/etc', { signal })).tar),
      'images.save': () => readAll(docker.images.save(baseImage(), { signal })),
      'images.pull (iterated)': () => drain(docker.images.pull(baseImage(), { signal })),
      'images.pull (awaited)': async () => docker.images.pull(baseImage(), { signal }),
      'images.load': async () => docker.images.load(saved, { signal }),
      'images.build': async () => docker.images.build(dockerfile, { networkmode: 'none', signal }),
    };
    const failures: Record<string, string> = {};
    for (const [name, call] of Object.entries(calls)) {
      const err = await outcome(call);
      failures[name] = err instanceof DockerAbortError ? err.message : `not DockerAbortError: ${String(err)}`;
    }
    expect(failures).toEqual(Object.fromEntries(Object.keys(calls).map((name) => [name, 'the operation was aborted: not wanted'])));
  });

  test('an abort after items arrived rejects the next one, even when the rest had already arrived', async () => {
    // A load answers with a few lines, read in one go: the abort after the first must still reject.
    const loading = new AbortController();
    const op = docker.images.load(saved, { signal: loading.signal });
    let events = 0;
    const err = await outcome(async () => {
      for await (const _ of op) {
        events++;
        loading.abort();
      }
    });
    expect(err).toBeInstanceOf(DockerAbortError);
    expect(events).toBe(1);
    await expect(op).rejects.toBeInstanceOf(DockerAbortError);

    // A tar already read ahead in full: the byte stream errors instead of ending.
    const saving = new AbortController();
    const tar = await docker.images.save(baseImage(), { signal: saving.signal });
    let bytes = 0;
    const saveErr = await outcome(async () => {
      for await (const chunk of tar) {
        bytes += (chunk as Buffer).length;
        saving.abort();
      }
    });
    expect(saveErr).toBeInstanceOf(DockerAbortError);
    expect(bytes).toBeLessThan(saved.length);
  });

  test('an exec session aborted while its process runs rejects its output; `break` ends quietly', async () => {
    const { Id: execId } = await docker.exec.create(id, { Cmd: ['sh', '-c', 'echo ready; sleep 30'], AttachStdout: true, AttachStderr: true });
    const controller = new AbortController();
    const session = await docker.exec.start(execId, { signal: controller.signal });
    let frames = 0;
    const err = await outcome(async () => {
      for await (const _ of session) {
        frames++;
        controller.abort(new Error('done waiting'));
      }
    });
    expect(err).toBeInstanceOf(DockerAbortError);
    expect((err as Error).message).toBe('the operation was aborted: done waiting');
    expect(frames).toBe(1);

    const stats = docker.containers.stats(id, { signal: new AbortController().signal });
    let samples = 0;
    for await (const _ of stats) if (++samples === 1) break;
    expect(samples).toBe(1);
  });
});

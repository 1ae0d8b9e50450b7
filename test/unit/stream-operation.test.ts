import { Readable } from 'node:stream';
import { DockerAbortError, DockerApiError, DockerInputError, DockerProtocolError, DockerStreamError } from '../../src/core/errors';
import { StreamOperation } from '../../src/streams/stream-operation';
import { streamFailure } from '../../src/streams/progress-lines';
import { buildReducer, pullReducer, type BuildEvent, type PullEvent } from '../../src/images/reducers';
import { chunks, recorded, recordedEvents, TrackedBody } from './stream-bodies';

/** Runs `fn`, then lets pending rejections surface; fails if any was unhandled. */
async function expectNoUnhandledRejection(fn: () => Promise<void>): Promise<void> {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    await fn();
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  expect(unhandled).toEqual([]);
}

const pull = (body: AsyncIterable<Uint8Array>) => new StreamOperation<PullEvent, unknown>(Promise.resolve(body), pullReducer());
const build = (body: AsyncIterable<Uint8Array>) => new StreamOperation<BuildEvent, unknown>(Promise.resolve(body), buildReducer());

describe('StreamOperation', () => {
  it('awaiting without iterating drains the whole body and resolves the result', async () => {
    const body = new TrackedBody(recorded('dockerd-pull'));
    const result = await pull(body);
    expect(body.finished).toBe(true);
    expect(result).toEqual({
      status: 'Status: Downloaded newer image for 127.0.0.1:5417/big:1',
      digest: 'sha256:82d1f6b9ec05c980a57a07cc7194bab71f3f375c9d1f48b056689989c3a6e2e8',
    });
  });

  it('iterate, then await: every event in order, then the result', async () => {
    const op = pull(chunks(recorded('dockerd-pull')));
    const seen: PullEvent[] = [];
    for await (const event of op) seen.push(event);
    expect(seen).toEqual(recordedEvents('dockerd-pull'));
    await expect(op).resolves.toMatchObject({ digest: 'sha256:82d1f6b9ec05c980a57a07cc7194bab71f3f375c9d1f48b056689989c3a6e2e8' });
    // and again: the result is settled once
    await expect(op).resolves.toMatchObject({ status: 'Status: Downloaded newer image for 127.0.0.1:5417/big:1' });
  });

  it('an error line rejects the iteration with the daemon text verbatim (and the await with the same error)', async () => {
    const op = build(chunks(recorded('dockerd-build-fail'), 5));
    const seen: BuildEvent[] = [];
    let thrown: unknown;
    try {
      for await (const event of op) seen.push(event);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DockerStreamError);
    const err = thrown as DockerStreamError;
    expect(err.daemonMessage).toBe("The command '/bin/sh -c echo failing-step && exit 3' returned a non-zero code: 3");
    expect(err.detail).toEqual({ code: 3, message: "The command '/bin/sh -c echo failing-step && exit 3' returned a non-zero code: 3" });
    expect(err.operation).toBe('build');
    expect(err.message).toBe("build failed: The command '/bin/sh -c echo failing-step && exit 3' returned a non-zero code: 3");
    expect(seen).toEqual(recordedEvents('dockerd-build-fail').slice(0, -1));
    expect(seen.map((e) => e.stream)).toContain('failing-step\n');
    await expect(op).rejects.toBe(err);
  });

  it('a failed build never resolves as success when only awaited, and raises no unhandled rejection', async () => {
    await expectNoUnhandledRejection(async () => {
      await expect(build(chunks(recorded('dockerd-build-buildkit-fail')))).rejects.toThrow(
        new DockerStreamError('build', 'executor failed running [/bin/sh -c echo failing-step && exit 3]: exit code: 3'),
      );
    });
  });

  it('only iterating a failing stream raises no unhandled rejection of the result', async () => {
    await expectNoUnhandledRejection(async () => {
      const op = build(chunks(recorded('podman-build-fail')));
      await expect(
        (async () => {
          for await (const _ of op) void _;
        })(),
      ).rejects.toThrow(/building at STEP "RUN echo failing-step && exit 3": while running runtime: exit status 3/);
    });
  });

  it('the request error (rejected body promise) propagates as-is, to iteration and to await, never unhandled', async () => {
    const apiError = new DockerApiError(404, 'POST', '/images/create', 'manifest unknown');
    await expectNoUnhandledRejection(async () => {
      const iterated = new StreamOperation<PullEvent, unknown>(Promise.reject(apiError), pullReducer());
      let thrown: unknown;
      try {
        for await (const _ of iterated) void _;
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBe(apiError);
      await expect(iterated).rejects.toBe(apiError);

      await expect(new StreamOperation<PullEvent, unknown>(Promise.reject(apiError), pullReducer())).rejects.toBe(apiError);
      // never consumed at all: still no unhandled rejection
      new StreamOperation<PullEvent, unknown>(Promise.reject(apiError), pullReducer());
    });
  });

  it('an abort error from the body propagates as-is', async () => {
    const abort = new DockerAbortError();
    const body = new TrackedBody(recorded('dockerd-pull').subarray(0, 300), 7, abort);
    const op = pull(body);
    await expect(op).rejects.toBe(abort);
    const again = pull(new TrackedBody(recorded('dockerd-pull').subarray(0, 300), 7, abort));
    await expect(
      (async () => {
        for await (const _ of again) void _;
      })(),
    ).rejects.toBe(abort);
  });

  it('breaking out of the iteration cancels the body; the result then rejects with DockerAbortError', async () => {
    const body = new TrackedBody(recorded('dockerd-pull'), 3);
    const op = pull(body);
    let count = 0;
    await expectNoUnhandledRejection(async () => {
      for await (const _ of op) {
        if (++count === 2) break;
      }
    });
    expect(body.returned).toBe(true);
    expect(body.finished).toBe(false);
    await expect(op).rejects.toBeInstanceOf(DockerAbortError);
    await expect(op).rejects.toThrow('pull: iteration stopped before the stream ended; the outcome is unknown');
  });

  it('return() before the first next() destroys a Node Readable body', async () => {
    const readable = Readable.from([recorded('dockerd-pull')]);
    const op = new StreamOperation<PullEvent, unknown>(Promise.resolve(readable), pullReducer());
    const iterator = op[Symbol.asyncIterator]();
    await iterator.return!();
    await new Promise((r) => setImmediate(r));
    expect(readable.destroyed).toBe(true);
    await expect(op).rejects.toBeInstanceOf(DockerAbortError);
  });

  it('reads Node Readable and web ReadableStream bodies', async () => {
    const bytes = recorded('dockerd-build-classic');
    const readable = Readable.from((async function* () {
      yield* chunks(bytes, 11);
    })());
    await expect(build(readable)).resolves.toEqual({
      id: 'sha256:baab356877fc2b5c11a0ac450612a85e624e3b5937df69d02707d3c701508299',
      tags: ['demo:1', 'demo:2'],
    });
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 13) controller.enqueue(bytes.subarray(i, i + 13));
        controller.close();
      },
    });
    await expect(build(web as unknown as AsyncIterable<Uint8Array>)).resolves.toMatchObject({ tags: ['demo:1', 'demo:2'] });
  });

  it('a body that ends before the result is known is a DockerStreamError', async () => {
    const lines = recorded('dockerd-pull').toString('utf8').split('\n');
    const truncated = Buffer.from(lines.slice(0, 5).join('\n') + '\n');
    await expect(pull(chunks(truncated))).rejects.toThrow(
      new DockerStreamError('pull', 'stream ended without its final status (last status: "Download complete")'),
    );
    await expect(build(chunks(Buffer.alloc(0)))).rejects.toThrow('build failed: stream ended without an image ID');
  });

  it('a line that is not a JSON object is a DockerProtocolError', async () => {
    await expect(pull(chunks(Buffer.from('{"status":"Pulling from x","id":"1"}\n["not","an","object"]\n')))).rejects.toThrow(
      new DockerProtocolError('pull: progress line is not a JSON object: ["not","an","object"]'),
    );
    await expect(pull(chunks(Buffer.from('<html>502 Bad Gateway</html>\n')))).rejects.toBeInstanceOf(DockerProtocolError);
  });

  it('events are consumed once: iterating after awaiting, or twice, is a clear error', async () => {
    const op = pull(chunks(recorded('dockerd-pull')));
    const pending = op.then((r) => r);
    expect(() => op[Symbol.asyncIterator]()).toThrow(DockerInputError);
    expect(() => op[Symbol.asyncIterator]()).toThrow(/cannot iterate the events after awaiting the operation/);
    await pending;

    const twice = pull(chunks(recorded('dockerd-pull')));
    for await (const _ of twice) void _;
    expect(() => twice[Symbol.asyncIterator]()).toThrow(/the events can be iterated only once/);
  });

  it('catch and finally drain too', async () => {
    let finallyRan = false;
    const result = await pull(chunks(recorded('dockerd-pull-uptodate'))).finally(() => {
      finallyRan = true;
    });
    expect(finallyRan).toBe(true);
    expect(result).toEqual({
      status: 'Status: Image is up to date for 127.0.0.1:5417/bb:1',
      digest: 'sha256:d6d897ed29deb953d4331bbebdf4d857a4743d3289073b60b2628a7ac79f26f3',
    });
    const caught = await pull(chunks(recorded('podman-push-badauth'))).catch((e: unknown) => (e as DockerStreamError).daemonMessage);
    expect(caught).toMatch(/unauthorized: authentication required$/);
  });

  it('awaiting a long stream does not stall', async () => {
    const line = Buffer.from('{"status":"Downloading","progressDetail":{"current":1,"total":2},"id":"abc"}\n');
    const bytes = Buffer.concat([Buffer.from('{"status":"Pulling from x","id":"1"}\n'), ...Array(20_000).fill(line), Buffer.from('{"status":"Status: Downloaded newer image for x:1"}\n')]);
    const body = new TrackedBody(bytes, 4096);
    await expect(pull(body)).resolves.toEqual({ status: 'Status: Downloaded newer image for x:1' });
    expect(body.finished).toBe(true);
  });

  it('options: an aborted signal stops the events even when more were already read; a custom decoder is used', async () => {
    const controller = new AbortController();
    const decode = async function* (body: AsyncIterable<Uint8Array>) {
      for await (const chunk of body) yield { status: Buffer.from(chunk).toString() } as PullEvent;
    };
    const op = new StreamOperation<PullEvent, unknown>(Promise.resolve(chunks(Buffer.from('ab'), 1)), pullReducer(), {
      decode,
      signal: controller.signal,
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of op) {
          seen.push(String(event.status));
          controller.abort();
        }
      })(),
    ).rejects.toBeInstanceOf(DockerAbortError);
    expect(seen).toEqual(['a']);
  });
});

describe('streamFailure', () => {
  it('prefers errorDetail.message, falls back to the legacy error field', () => {
    expect(streamFailure('pull', { errorDetail: { message: 'a' }, error: 'b' })?.daemonMessage).toBe('a');
    expect(streamFailure('pull', { error: 'only legacy' })?.daemonMessage).toBe('only legacy');
    expect(streamFailure('pull', { errorDetail: {} })?.daemonMessage).toBe('the engine reported an error without a message');
    expect(streamFailure('pull', { status: 'Downloading' } as never)).toBeUndefined();
  });
});

/**
 * Paced reads (transport/download.ts, RawRequest.paced) on the loopback fake engine (test/helpers/fake-engine.ts):
 * a log, which an engine writes frame by frame and flushes each, is read a millisecond's worth at a time; a tar is
 * read as it comes. Jest's fake timers stand in for that millisecond (only setTimeout and clearTimeout are faked),
 * so what lands in one read is decided by the test, not by the machine's speed. The real engine's logs are in
 * test/containers.test.ts; what pacing saves is measured in bench/README.md ("Stop 25").
 */
import type { ServerResponse } from 'node:http';
import { Http1Parser } from '../../src/transport/http1-parser';
import { PACED_WAIT_MS } from '../../src/transport/read-pacer';
import { fakeEngineClients, startFakeEngine, type FakeEngine } from '../helpers/fake-engine';

let fake: FakeEngine;
const client = fakeEngineClients(() => fake as FakeEngine | undefined);

/** A stdcopy frame: type (1 stdout, 2 stderr), three zero bytes, the length, the text. */
function frame(type: number, text: string): Buffer {
  const data = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = type;
  head.writeUInt32BE(data.length, 4);
  return Buffer.concat([head, data]);
}

/** `n` turns of the event loop (setImmediate is not faked): time for the client to read whatever it would read. */
function turns(n: number): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const step = (): void => void (++i >= n ? resolve() : setImmediate(step));
    setImmediate(step);
  });
}

/** Writes each part as a write of its own, the write done and a few loop turns between two. */
async function writeEach(res: ServerResponse, parts: Buffer[]): Promise<void> {
  for (const part of parts) {
    await new Promise<void>((resolve) => res.write(part, () => resolve()));
    await turns(3);
  }
}

/**
 * A fake engine that answers the first request with 200 and `first`, and hands the test the answer to write the
 * rest (in an object: an async function's promise of a promise would wait for the answer itself).
 */
async function engineWriting(contentType: string, first: Buffer): Promise<{ answer: Promise<ServerResponse> }> {
  let answered!: (res: ServerResponse) => void;
  const res = new Promise<ServerResponse>((resolve) => (answered = resolve));
  fake = await startFakeEngine({
    handler: (_req, r) => {
      r.writeHead(200, { 'Content-Type': contentType });
      r.write(first);
      answered(r);
    },
  });
  return { answer: res };
}

const onlyTimeouts: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance', 'Date'],
};

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

test('logs: after a small read the next waits 1 ms, then takes every frame the engine wrote meanwhile in one read', async () => {
  jest.useFakeTimers(onlyTimeouts);
  const { answer } = await engineWriting('application/vnd.docker.raw-stream', frame(1, 'a\n'));
  const reads = jest.spyOn(Http1Parser.prototype, 'execute');
  const frames = client().containers.logs('c', { tty: false, follow: true })[Symbol.asyncIterator]();
  const first = await frames.next();
  expect(first.value?.data.toString()).toBe('a\n');
  const readsBefore = reads.mock.calls.length;

  const res = await answer;
  await writeEach(res, [frame(1, 'b\n'), frame(2, 'c\n'), frame(1, 'd\n')]);
  // Three writes, each flushed, and the loop turned: nothing was read while the wait lasts.
  expect(reads.mock.calls.length).toBe(readsBefore);

  jest.advanceTimersByTime(PACED_WAIT_MS);
  const got = [];
  for (let i = 0; i < 3; i++) {
    const step = await frames.next();
    got.push(`${step.value?.stream}:${step.value?.data.toString()}`);
  }
  expect(got).toEqual(['stdout:b\n', 'stderr:c\n', 'stdout:d\n']);
  expect(reads.mock.calls.length).toBe(readsBefore + 1);

  // The end comes during the next wait: it is read when the wait is over, and the iteration ends.
  res.end();
  await turns(3);
  jest.advanceTimersByTime(PACED_WAIT_MS);
  expect(await frames.next()).toEqual({ value: undefined, done: true });
});

test('a tar is not paced: an export is read to its end as the engine writes it, with no timer ever run', async () => {
  jest.useFakeTimers(onlyTimeouts);
  const { answer } = await engineWriting('application/x-tar', Buffer.from('x'));
  const tar = await client().containers.export('c');
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve) => tar.on('end', resolve));
  const res = await answer;
  await writeEach(res, [Buffer.from('y'), Buffer.from('z')]);
  res.end();
  // Paced, this would wait for a timer that never runs (jest's timeout would fail the test).
  await ended;
  expect(Buffer.concat(chunks).toString()).toBe('xyz');
});

test('leaving a paced log during its wait closes the connection and clears the wait', async () => {
  jest.useFakeTimers(onlyTimeouts);
  await engineWriting('application/vnd.docker.raw-stream', frame(1, 'a\n'));
  const frames = client().containers.logs('c', { tty: false, follow: true })[Symbol.asyncIterator]();
  expect((await frames.next()).value?.data.toString()).toBe('a\n');
  expect(jest.getTimerCount()).toBe(1);
  await frames.return?.();
  await fake.allClosed();
  expect(jest.getTimerCount()).toBe(0);
});

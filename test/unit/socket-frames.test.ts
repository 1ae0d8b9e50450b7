/**
 * SocketFrames over a PassThrough standing in for the upgraded socket (a Duplex like it): the queue, backpressure,
 * failures and early return. The real sockets are exercised by test/upgrade.test.ts and test/containers.test.ts.
 */
import { PassThrough } from 'node:stream';
import { DockerProtocolError, DockerStreamError } from '../../src/core/errors';
import { SocketFrames } from '../../src/streams/socket-frames';

function frame(type: number, data: Buffer | string): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(data), 4);
  return Buffer.concat([h, Buffer.from(data)]);
}

const asIs = (err: unknown): Error => err as Error;

test('frames queued before the first next() and arriving later come out in order; the end is done', async () => {
  const socket = new PassThrough();
  socket.write(Buffer.concat([frame(1, 'a'), frame(2, 'b')]));
  const frames = new SocketFrames(socket, 'multiplexed', 'attach', asIs);
  expect(await frames.next()).toEqual({ value: { stream: 'stdout', data: Buffer.from('a') }, done: false });
  expect(await frames.next()).toEqual({ value: { stream: 'stderr', data: Buffer.from('b') }, done: false });
  const waiting = frames.next();
  socket.end(frame(1, 'c'));
  expect(await waiting).toEqual({ value: { stream: 'stdout', data: Buffer.from('c') }, done: false });
  expect(await frames.next()).toEqual({ value: undefined, done: true });
  expect(socket.destroyed).toBe(true);
});

test('raw mode hands out chunks as stdout', async () => {
  const socket = new PassThrough();
  const frames = new SocketFrames(socket, 'raw', 'attach', asIs);
  socket.end('tty bytes\r\n');
  expect(await frames.next()).toEqual({ value: { stream: 'stdout', data: Buffer.from('tty bytes\r\n') }, done: false });
  expect((await frames.next()).done).toBe(true);
});

test('the socket is paused while more than 1 MiB waits, and resumed as it is taken', async () => {
  const socket = new PassThrough({ highWaterMark: 1 << 22 });
  const frames = new SocketFrames(socket, 'multiplexed', 'exec', asIs);
  const big = Buffer.alloc(600 * 1024, 7);
  socket.write(frame(1, big));
  socket.write(frame(1, big));
  await new Promise((r) => setImmediate(r));
  expect(socket.isPaused()).toBe(true);
  expect((await frames.next()).value?.data.length).toBe(big.length);
  expect(socket.isPaused()).toBe(false);
  expect((await frames.next()).value?.data.length).toBe(big.length);
  socket.end();
  expect((await frames.next()).done).toBe(true);
});

test('a type-3 frame fails the iteration after the frames before it; the socket is destroyed', async () => {
  const socket = new PassThrough();
  const frames = new SocketFrames(socket, 'multiplexed', 'exec', asIs);
  socket.write(Buffer.concat([frame(1, 'out'), frame(3, 'boom')]));
  expect((await frames.next()).value?.data.toString()).toBe('out');
  await expect(frames.next()).rejects.toThrow(DockerStreamError);
  expect(socket.destroyed).toBe(true);
});

test('a connection that closes without ending, or inside a frame, fails through the mapping', async () => {
  const cut = new PassThrough();
  const frames = new SocketFrames(cut, 'multiplexed', 'attach', (err) => new Error(`mapped: ${(err as Error).message}`));
  const waiting = frames.next();
  cut.destroy();
  await expect(waiting).rejects.toThrow('mapped: the connection closed before the output ended');

  const partial = new PassThrough();
  const truncated = new SocketFrames(partial, 'multiplexed', 'attach', asIs);
  partial.end(frame(1, 'hello').subarray(0, 10));
  await expect(truncated.next()).rejects.toBeInstanceOf(DockerProtocolError);
});

test('return() ends the iteration and destroys the socket', async () => {
  const socket = new PassThrough();
  const frames = new SocketFrames(socket, 'multiplexed', 'attach', asIs);
  socket.write(frame(1, 'x'));
  expect(await frames.return()).toEqual({ value: undefined, done: true });
  expect(socket.destroyed).toBe(true);
  expect((await frames.next()).done).toBe(true);
});

test('a frame is decoded when next() asks for it, not when its chunk arrives', async () => {
  // Decoded frames waiting in a queue survive V8's scavenges and make it grow its young generation on a long output
  // (bench/README.md "Stop 27"). Observable here: a header changed after its chunk arrived is read as changed.
  const socket = new PassThrough();
  const frames = new SocketFrames(socket, 'multiplexed', 'exec', asIs);
  const chunk = Buffer.concat([frame(1, 'a'), frame(1, 'b')]);
  socket.write(chunk);
  expect(await frames.next()).toEqual({ value: { stream: 'stdout', data: Buffer.from('a') }, done: false });
  chunk[9] = 2;
  expect(await frames.next()).toEqual({ value: { stream: 'stderr', data: Buffer.from('b') }, done: false });
  socket.end();
  expect((await frames.next()).done).toBe(true);
});

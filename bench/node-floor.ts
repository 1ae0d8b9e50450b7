/**
 * What Node itself costs in peak RSS to move the bench's bytes, with no Docker client: the reference beside the RSS
 * targets of figure 3 (bench/README.md, "Stop 23: what Node itself costs to stream"). One process per run, under
 * /usr/bin/time as the contenders are; prints one JSON line { bytes }.
 *
 *   node node-floor.js idle                       — start, exit: the floor under this process's peaks
 *   node node-floor.js pipeline <file> <MiB>      — the user's pipeline alone: a Readable handing out one reused
 *                                                   512 KiB buffer (no socket, no allocation per chunk) into the
 *                                                   default fs.createWriteStream, MiB in all
 *   node node-floor.js upload <socket> <tar> <version> — the least JavaScript that uploads: POST /images/load over
 *                                                   a bare unix socket, the tar read into one reused 1 MiB buffer,
 *                                                   each piece written once the socket has drained
 *   node node-floor.js sink <socket> <image> <version> — the least JavaScript that downloads to a consumer that may
 *                                                   keep its chunks: GET /images/{image}/get over a bare unix
 *                                                   socket piped, HTTP framing and all, into the sink the save →
 *                                                   sink row uses (Node's socket reads: a fresh buffer per read)
 *
 * The difference between a run's peak and `idle`'s is what a Node process pays for streaming that long, whoever
 * reads the socket: V8's optimizing compiler starts on the hot stream and fs functions (its code pages of the node
 * binary and its threads' malloc arenas), and the pipeline's own buffer.
 */
import { createWriteStream, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import net from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sink } from './lib/sink.js';

const BATCH = 512 << 10;

async function fromMemory(file: string, mib: number): Promise<number> {
  const buf = Buffer.allocUnsafeSlow(BATCH).fill(0x5a);
  let left = mib * 2 ** 20;
  const source = new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(BATCH, left);
      left -= n;
      // Asynchronously, as socket data arrives: a synchronous push would fill the whole highWaterMark at once.
      setImmediate(() => this.push(buf.subarray(0, n)));
    },
  });
  await pipeline(source, createWriteStream(file));
  return mib * 2 ** 20;
}

function upload(socketPath: string, tar: string, version: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fd = openSync(tar, 'r');
    const size = fstatSync(fd).size;
    const buf = Buffer.allocUnsafeSlow(1 << 20);
    let status = '';
    let answer = '';
    const sock = net.connect(socketPath, () => {
      sock.write(`POST /v${version}/images/load HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-tar\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`);
      let sent = 0;
      const more = (): void => {
        while (sent < size) {
          const n = readSync(fd, buf, 0, buf.length, sent);
          sent += n;
          // The socket copies nothing it has not written yet into a buffer of its own: wait for it to drain
          // before the reused buffer is overwritten.
          if (!sock.write(buf.subarray(0, n))) return void sock.once('drain', more);
        }
        closeSync(fd);
      };
      more();
    });
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      status ||= d.slice(0, 12);
      answer = (answer + d).slice(-4096);
    });
    sock.on('error', reject);
    sock.on('close', () => {
      if (status !== 'HTTP/1.1 200') return reject(new Error(`answer ${status || '(none)'}: ${answer.slice(-300)}`));
      if (answer.includes('"error"')) return reject(new Error(`daemon reported: ${answer.slice(-300)}`));
      resolve(size);
    });
  });
}

async function socketToSink(socketPath: string, image: string, version: string): Promise<number> {
  const sock = net.connect(socketPath);
  await new Promise<void>((ok, fail) => sock.once('connect', ok).once('error', fail));
  sock.write(`GET /v${version}/images/${encodeURIComponent(image)}/get HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  const s = sink();
  let status = '';
  sock.once('data', (first: Buffer) => (status = first.subarray(0, 12).toString('latin1')));
  await pipeline(sock, s.stream);
  if (status !== 'HTTP/1.1 200') throw new Error(`answer ${status || '(none)'}`);
  return s.bytes();
}

async function main(): Promise<void> {
  const [mode, a, b, c] = process.argv.slice(2);
  let bytes = 0;
  if (mode === 'pipeline') bytes = await fromMemory(a!, Number(b));
  else if (mode === 'upload') bytes = await upload(a!, b!, c ?? '1.41');
  else if (mode === 'sink') bytes = await socketToSink(a!, b!, c ?? '1.41');
  else if (mode !== 'idle') throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`${JSON.stringify({ bytes })}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exit(1);
});

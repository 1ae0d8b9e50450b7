/**
 * A stand-in engine on a unix socket that reads request bodies slowly — a daemon that lags, which a real engine
 * does not do on demand — so the client's socket writes stay pending while it would like to go on. It hashes
 * every body it receives: a buffer the client reused before its write completed changes the digest. Answers
 * /_ping (API 1.41), and any upload with one progress line: /build with the body's digest as the image ID,
 * /images/create with it as status, anything else (a load) with a `Loaded image` line.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SlowEngine {
  /** Per upload, in order: its path (no query), sha256 (hex) and size. */
  received: { url: string; sha256: string; bytes: number }[];
  /** Hang up once an upload has sent this many bytes (undefined: never). */
  cutAfter: number | undefined;
  close(): Promise<void>;
}

export async function startSlowEngine(socketPath: string): Promise<SlowEngine> {
  const engine: SlowEngine = { received: [], cutAfter: undefined, close: () => new Promise((resolve) => server.close(() => resolve())) };
  const server = createServer((req, res) => {
    if (req.url === '/_ping') {
      res.setHeader('Api-Version', '1.41');
      res.end('OK');
      return;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
      if (engine.cutAfter !== undefined && bytes >= engine.cutAfter) {
        req.socket.destroy();
        return;
      }
      // Read a socket chunk, then lag: the client's 1 MiB writes complete piece by piece.
      req.pause();
      setTimeout(() => req.resume(), 1);
    });
    req.on('end', () => {
      const sha256 = hash.digest('hex');
      const url = req.url!.split('?')[0];
      engine.received.push({ url, sha256, bytes });
      res.setHeader('Content-Type', 'application/json');
      const line = url.endsWith('/build')
        ? { aux: { ID: `sha256:${sha256}` } }
        : url.endsWith('/images/create')
          ? { status: `sha256:${sha256}` }
          : { stream: 'Loaded image: example.test/slow:latest\n' };
      res.end(`${JSON.stringify(line)}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return engine;
}

/** What a test file gets from `useSlowEngine`: filled in by its beforeAll. */
export interface SlowEngineRig {
  /** A temporary directory of the test file's own, removed after it. */
  tmp: string;
  socketPath: string;
  engine: SlowEngine;
}

/** Registers the beforeAll/afterAll that start a slow engine in a fresh temporary directory and stop it again. */
export function useSlowEngine(prefix: string): SlowEngineRig {
  const rig = {} as SlowEngineRig;
  beforeAll(async () => {
    rig.tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    rig.socketPath = path.join(rig.tmp, 'engine.sock');
    rig.engine = await startSlowEngine(rig.socketPath);
  });
  afterAll(async () => {
    await rig.engine?.close();
    if (rig.tmp) fs.rmSync(rig.tmp, { recursive: true, force: true });
  });
  return rig;
}

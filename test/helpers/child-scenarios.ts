/**
 * Scenarios that must run in a process of their own, started by the hardening tests with `tsx`:
 *
 *   build-context-fifo RUNS   a fake engine whose /_ping takes 20 ms; RUNS times a fresh client builds a directory
 *                             context holding a FIFO. An unhandled 'error' event would kill this process (exit ≠ 0);
 *                             prints one JSON line: [{ name, message }] per run.
 *   inspects N                N concurrent images.inspect(DEC_TEST_BASE_IMAGE) against DOCKER_HOST (the test runs
 *                             this under `ulimit -n 1024`); prints one JSON line: { ok, errors: { message: count } }.
 *   download-only             a fresh client on DOCKER_HOST (a unix socket) negotiates and saves DEC_TEST_BASE_IMAGE,
 *                             then makes calls (ping, inspect), then loads the saved tar back (an upload on the stream
 *                             lane); prints { bytes, modulesByDownload, modulesAfterCalls, modulesAfterUpload }:
 *                             WebAssembly modules compiled by then (undici compiles its HTTP parser, one module, on
 *                             its first connection), { poolByDownload, poolAfterCalls, poolAfterUpload }: whether
 *                             undici's Pool had loaded, and modulesByUndici: the count after one request through
 *                             undici's own Pool (the count works).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerClient } from '../../src/index';
import { startFakeEngine } from './fake-engine';

async function buildContextFifo(runs: number): Promise<void> {
  const fake = await startFakeEngine({
    pingDelayMs: 20,
    // Takes the upload and never answers: the client must settle on its own, from the packing failure.
    handler: (req) => req.resume(),
  });
  // The FIFO sorts first in one context (packing fails while /_ping is still in flight) and last in the other
  // (after 200 KiB, so packing is paused by backpressure until the upload starts).
  const base = mkdtempSync(join(tmpdir(), 'dec-fifo-ctx-'));
  const dir = (variant: string) => join(base, variant);
  try {
    for (const [variant, files, fifo] of [['early', 3, '0-fifo'], ['late', 50, 'zz-fifo']] as const) {
      mkdirSync(dir(variant));
      writeFileSync(join(dir(variant), 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
      for (let i = 0; i < files; i++) writeFileSync(join(dir(variant), `file-${String(i).padStart(2, '0')}`), Buffer.alloc(4096, i));
      execFileSync('mkfifo', [join(dir(variant), fifo)]);
    }
    const results: { name: string; message: string }[] = [];
    for (let i = 0; i < runs; i++) {
      const docker = new DockerClient({ host: fake.host });
      try {
        await docker.images.build(dir(i % 2 ? 'late' : 'early'), { t: 'localhost/dec-fifo:1' });
        results.push({ name: 'resolved', message: '' });
      } catch (err) {
        results.push({ name: (err as Error).name, message: (err as Error).message });
      }
      await docker.destroy();
    }
    console.log(JSON.stringify(results));
  } finally {
    rmSync(base, { recursive: true, force: true });
    await fake.close();
  }
}

async function inspects(n: number): Promise<void> {
  const image = process.env.DEC_TEST_BASE_IMAGE;
  if (!image || !process.env.DOCKER_HOST) throw new Error('DOCKER_HOST and DEC_TEST_BASE_IMAGE must be set');
  const docker = DockerClient.fromEnv();
  const errors: Record<string, number> = {};
  let ok = 0;
  await Promise.all(
    Array.from({ length: n }, () =>
      docker.images.inspect(image).then(
        () => void ok++,
        (err: Error) => void (errors[err.message] = (errors[err.message] ?? 0) + 1),
      ),
    ),
  );
  await docker.close();
  console.log(JSON.stringify({ ok, errors }));
}

async function downloadOnly(): Promise<void> {
  const image = process.env.DEC_TEST_BASE_IMAGE;
  if (!image || !process.env.DOCKER_HOST?.startsWith('unix://')) throw new Error('DOCKER_HOST (unix://) and DEC_TEST_BASE_IMAGE must be set');
  let modules = 0;
  // (This project's `lib` has no WebAssembly types; Node has the global.)
  const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;
  const Module = wasm.Module;
  wasm.Module = new Proxy(Module, {
    construct(target, args: [Uint8Array]) {
      modules++;
      return new target(...args);
    },
  });
  const docker = DockerClient.fromEnv();
  try {
    await docker.negotiate();
    let bytes = 0;
    const saved: Buffer[] = [];
    for await (const chunk of await docker.images.save(image)) {
      bytes += (chunk as Buffer).length;
      saved.push(chunk as Buffer);
    }
    const modulesByDownload = modules;
    // undici's Pool loads with the first pooled request (src/transport/pools.ts), not before.
    const poolLoaded = () => Object.keys(require.cache).some((f) => f.endsWith(join('undici', 'lib', 'dispatcher', 'pool.js')));
    const poolByDownload = poolLoaded();
    // Calls go on the call pool (src/transport/call-pool.ts): connections of the client's own, not undici's.
    await docker.system.ping();
    await docker.images.inspect(image);
    const [modulesAfterCalls, poolAfterCalls] = [modules, poolLoaded()];
    // An upload on the stream lane: a connection of its own too (src/transport/download.ts).
    const dir = mkdtempSync(join(tmpdir(), 'dec-download-only-'));
    try {
      writeFileSync(join(dir, 'image.tar'), Buffer.concat(saved));
      await docker.images.load(join(dir, 'image.tar'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const [modulesAfterUpload, poolAfterUpload] = [modules, poolLoaded()];
    // undici's own Pool, once, in this process: its first connection compiles the parser (the count works).
    const { Pool } = await import('undici');
    const pool = new Pool('http://localhost', { socketPath: new URL(process.env.DOCKER_HOST!).pathname });
    await (await pool.request({ method: 'GET', path: '/_ping' })).body.text();
    await pool.close();
    console.log(JSON.stringify({ bytes, modulesByDownload, modulesAfterCalls, modulesAfterUpload, modulesByUndici: modules, poolByDownload, poolAfterCalls, poolAfterUpload }));
  } finally {
    wasm.Module = Module;
    await docker.close();
  }
}

const [scenario, count] = process.argv.slice(2);
const scenarios: Record<string, (count: number) => Promise<void>> = { 'build-context-fifo': buildContextFifo, inspects, 'download-only': downloadOnly };
const run = scenarios[scenario];
if (!run) {
  console.error(`child-scenarios: unknown scenario ${scenario}`);
  process.exit(2);
}
run(Number(count)).then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

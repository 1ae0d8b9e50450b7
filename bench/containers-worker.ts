/**
 * One container measurement by one Node contender, in a process of its own (figures/containers.ts runs it, logs
 * under /usr/bin/time for the peak RSS). Prints one JSON line:
 *  - logs:   { bytes, ms } — demultiplexed payload bytes of the whole log, request to last byte;
 *  - exec:   { samples } — ms per `exec` round trip (create + start + collect + inspect) of `busybox echo`;
 *  - attach: { samples } — ms per echo round trip through an attached `cat` (write a line, read it back).
 *
 *   node containers-worker.js <op> <contender> '<json params>'
 */
import { performance } from 'node:perf_hooks';
import { PassThrough, Writable } from 'node:stream';
import type Dockerode from 'dockerode';
import { loadClient } from './lib/client.js';

export type ContainerOp = 'logs' | 'exec' | 'attach';
export type NodeContainerContender = 'ours' | 'dockerode';

export interface ContainerParams {
  socketPath: string;
  containerId: string;
  /** exec/attach: measured round trips, after `warmup` unmeasured ones. */
  iterations?: number;
  warmup?: number;
}

export interface ContainerResult {
  bytes?: number;
  ms?: number;
  samples?: number[];
}

const ECHO = ['/bin/busybox', 'echo', 'hi'];

function counter(): { stream: Writable; bytes: () => number } {
  let n = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      cb();
    },
  });
  return { stream, bytes: () => n };
}

async function rounds(p: ContainerParams, once: (i: number) => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < (p.warmup ?? 0) + (p.iterations ?? 0); i++) {
    const t0 = performance.now();
    await once(i);
    if (i >= (p.warmup ?? 0)) samples.push(performance.now() - t0);
  }
  return samples;
}

async function ours(op: ContainerOp, p: ContainerParams): Promise<ContainerResult> {
  const { DockerClient } = loadClient();
  const docker = new DockerClient({ socketPath: p.socketPath });
  try {
    if (op === 'logs') {
      const t0 = performance.now();
      let bytes = 0;
      // The caller knows the container has no TTY, as with dockerode's demuxStream (no inspect).
      for await (const frame of docker.containers.logs(p.containerId, { follow: true, tty: false })) bytes += frame.data.length;
      return { bytes, ms: performance.now() - t0 };
    }
    if (op === 'exec') {
      return {
        samples: await rounds(p, async () => {
          const r = await docker.containers.exec(p.containerId, ECHO);
          if (r.exitCode !== 0 || r.stdout.toString() !== 'hi\n') throw new Error(`exec: ${JSON.stringify(r)}`);
        }),
      };
    }
    const session = await docker.containers.attach(p.containerId, { tty: false });
    const frames = session[Symbol.asyncIterator]();
    const samples = await rounds(p, async (i) => {
      const line = `ping ${i}\n`;
      session.stdin.write(line);
      let got = '';
      while (got !== line) {
        const step = await frames.next();
        if (step.done) throw new Error('attach: the session ended');
        got += step.value.data.toString();
      }
    });
    await session.close();
    return { samples };
  } finally {
    await docker.close();
  }
}

async function dockerode(op: ContainerOp, p: ContainerParams): Promise<ContainerResult> {
  const DockerodeCtor = require('dockerode') as typeof Dockerode;
  const docker = new DockerodeCtor({ socketPath: p.socketPath });
  const container = docker.getContainer(p.containerId);
  if (op === 'logs') {
    const t0 = performance.now();
    const stream = (await container.logs({ follow: true, stdout: true, stderr: true })) as unknown as NodeJS.ReadableStream;
    const out = counter();
    const err = counter();
    docker.modem.demuxStream(stream, out.stream, err.stream);
    await new Promise<void>((resolve, reject) => {
      stream.on('end', () => resolve());
      stream.on('error', reject);
    });
    return { bytes: out.bytes() + err.bytes(), ms: performance.now() - t0 };
  }
  if (op === 'exec') {
    return {
      samples: await rounds(p, async () => {
        const exec = await container.exec({ Cmd: ECHO, AttachStdout: true, AttachStderr: true });
        const stream = await exec.start({ hijack: true, stdin: false });
        const chunks: Buffer[] = [];
        const out = new Writable({
          write(chunk: Buffer, _enc, cb) {
            chunks.push(chunk);
            cb();
          },
        });
        docker.modem.demuxStream(stream, out, counter().stream);
        await new Promise<void>((resolve, reject) => {
          stream.on('end', () => resolve());
          stream.on('error', reject);
        });
        let info = await exec.inspect();
        // The same wait for the recorded exit as the client does.
        for (let n = 0; info.Running && n < 40; n++) {
          await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** n, 500)));
          info = await exec.inspect();
        }
        if (info.ExitCode !== 0 || Buffer.concat(chunks).toString() !== 'hi\n') throw new Error(`dockerode exec: ${info.ExitCode}`);
      }),
    };
  }
  const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream & { destroy(): void };
  const out = new PassThrough();
  docker.modem.demuxStream(stream, out, counter().stream);
  const samples = await rounds(p, async (i) => {
    const line = `ping ${i}\n`;
    let got = '';
    const done = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer): void => {
        got += chunk.toString();
        if (got === line) {
          out.off('data', onData);
          resolve();
        }
      };
      out.on('data', onData);
    });
    stream.write(line);
    await done;
  });
  stream.destroy();
  return { samples };
}

async function main(): Promise<void> {
  const [op, who, json] = process.argv.slice(2) as [ContainerOp, NodeContainerContender, string];
  const params = JSON.parse(json) as ContainerParams;
  const result = who === 'ours' ? await ours(op, params) : await dockerode(op, params);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}

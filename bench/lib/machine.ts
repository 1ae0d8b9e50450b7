/** What the figures were measured on, for the report header. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Machine {
  date: string;
  cpu: string;
  cores: number;
  memGiB: number;
  kernel: string;
  node: string;
  engine: string;
  storageDriver: string;
  curl: string;
  loadAvg: string;
}

export function loadAvg(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

export function describeMachine(engine: { Version?: string; ApiVersion?: string }, storageDriver: string): Machine {
  let curl = 'curl not found';
  try {
    curl = execFileSync('curl', ['--version'], { encoding: 'utf8' }).split('\n')[0].split(' ').slice(0, 2).join(' ');
  } catch {
    // reported as missing
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    engine: `dockerd ${engine.Version ?? '?'} (API ${engine.ApiVersion ?? '?'})`,
    storageDriver,
    curl,
    loadAvg: loadAvg(),
  };
}

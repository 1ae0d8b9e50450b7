/**
 * Opt-in discovery of a local engine beyond the default socket: the sockets rootless Docker, Docker Desktop and
 * Podman use, probed in order with `GET /_ping`; the first that answers wins.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerConnectionError } from '../core/errors.js';
import { parseHost } from './endpoint.js';
import { Transport } from './transport.js';

export interface DiscoveryCandidate {
  host: string;
  /** What usually listens there. */
  kind: string;
}

/** The usual sockets, in the order they are probed. */
export function discoveryCandidates(env: Record<string, string | undefined>): DiscoveryCandidate[] {
  const home = env.HOME?.trim() || homedir();
  const xdg = env.XDG_RUNTIME_DIR?.trim();
  const out: DiscoveryCandidate[] = [];
  if (xdg) out.push({ host: `unix://${join(xdg, 'docker.sock')}`, kind: 'rootless Docker' });
  out.push({ host: `unix://${join(home, '.docker', 'run', 'docker.sock')}`, kind: 'Docker Desktop' });
  out.push({ host: `unix://${join(home, '.docker', 'desktop', 'docker.sock')}`, kind: 'Docker Desktop' });
  if (xdg) out.push({ host: `unix://${join(xdg, 'podman', 'podman.sock')}`, kind: 'rootless Podman' });
  out.push({ host: 'unix:///run/podman/podman.sock', kind: 'Podman' });
  return out;
}

/** The first candidate answering `/_ping` within `timeout` ms; DockerConnectionError listing every miss otherwise. */
export async function discoverEngine(
  candidates: DiscoveryCandidate[],
  opts: { timeout?: number; userAgent: string; signal?: AbortSignal },
): Promise<DiscoveryCandidate> {
  const misses: string[] = [];
  for (const c of candidates) {
    const path = c.host.slice('unix://'.length);
    try {
      if (!statSync(path).isSocket()) {
        misses.push(`${path} (${c.kind}): not a socket`);
        continue;
      }
    } catch (err) {
      misses.push(`${path} (${c.kind}): ${(err as NodeJS.ErrnoException).code ?? 'cannot stat'}`);
      continue;
    }
    const t = new Transport({ endpoint: parseHost(c.host), userAgent: opts.userAgent, timeout: opts.timeout ?? 3000 });
    try {
      const res = await t.request({ method: 'GET', path: '/_ping', unversioned: true, signal: opts.signal, lane: t.oneOffLane });
      const body = await res.text();
      if (!res.ok) throw new Error(`/_ping answered ${res.status} ${body.slice(0, 100)}`);
      return c;
    } catch (err) {
      misses.push(`${path} (${c.kind}): ${(err as Error).message.replace(/^cannot connect to the Docker engine at [^:]+: /, '')}`);
    } finally {
      await t.close();
    }
  }
  throw new DockerConnectionError('any of the usual sockets', `nothing answered /_ping; tried ${misses.join('; ')}`);
}

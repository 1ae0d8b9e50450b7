/** system/ — `docker.system`: the engine itself (ping, version, info). Changes when a system endpoint changes. */
import type { ApiContext } from '../api/context.js';
import { apiError } from '../api/result.js';
import type { CallOptions, Schemas } from '../core/spec.js';

export interface PingResult {
  /** The engine's own API version (before negotiation caps it). */
  apiVersion: string | null;
  osType: string | null;
  experimental: boolean;
  builderVersion: string | null;
  swarm: string | null;
}

export class System {
  /** @internal resources are made by DockerClient. */
  constructor(private readonly ctx: ApiContext) {}

  /** `GET /_ping` (unversioned): is the engine there, and what does it speak. */
  async ping(options: CallOptions = {}): Promise<PingResult> {
    const res = await this.ctx.request({ method: 'GET', path: '/_ping', signal: options.signal, unversioned: true });
    const body = await res.text();
    if (!res.ok) throw apiError(res, body);
    const h = res.headers;
    return {
      apiVersion: h.get('api-version'),
      osType: h.get('ostype'),
      experimental: h.get('docker-experimental') === 'true',
      builderVersion: h.get('builder-version'),
      swarm: h.get('swarm'),
    };
  }

  /** `GET /version`: engine, API and component versions. */
  version(options: CallOptions = {}): Promise<Schemas['SystemVersion']> {
    return this.ctx.json(this.ctx.api.GET('/version', { signal: options.signal }));
  }

  /** `GET /info`: system-wide information. */
  info(options: CallOptions = {}): Promise<Schemas['SystemInfo']> {
    return this.ctx.json(this.ctx.api.GET('/info', { signal: options.signal }));
  }
}

/** system/ — `docker.system`: the engine itself (ping, version, info, registry login). Changes when a system endpoint changes. */
import type { ApiContext } from '../api/context.js';
import { apiError } from '../api/result.js';
import { DockerInputError } from '../core/errors.js';
import { checkObject, kindOf } from '../core/input.js';
import { checkCallOptions } from '../core/check-options.js';
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
    checkCallOptions('system.ping', options);
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
  async version(options: CallOptions = {}): Promise<Schemas['SystemVersion']> {
    checkCallOptions('system.version', options);
    return this.ctx.json(this.ctx.api.GET('/version', { signal: options.signal }));
  }

  /** `GET /info`: system-wide information. */
  async info(options: CallOptions = {}): Promise<Schemas['SystemInfo']> {
    checkCallOptions('system.info', options);
    return this.ctx.json(this.ctx.api.GET('/info', { signal: options.signal }));
  }

  /**
   * `POST /auth`: have the engine check credentials against a registry (`serveraddress`; Docker Hub when unset).
   * Resolves with `Status` and, when the registry issued one, `IdentityToken` (usable as `{ identitytoken }` auth
   * instead of the password). Refused credentials reject with DockerApiError carrying the daemon's text (dockerd
   * 20.10 answers 500, newer engines 401); the password never appears in an error.
   */
  async login(auth: Schemas['AuthConfig'], options: CallOptions = {}): Promise<Schemas['AuthResponse']> {
    checkCallOptions('system.login', options);
    checkObject(auth, 'system.login credentials');
    if (auth === undefined) throw new DockerInputError('system.login: credentials { username, password, serveraddress } are required');
    for (const field of ['username', 'password', 'serveraddress'] as const) {
      if (auth[field] !== undefined && typeof auth[field] !== 'string') {
        throw new DockerInputError(`system.login: ${field} must be a string, got ${kindOf(auth[field])}`);
      }
    }
    const { username, password, serveraddress } = auth;
    return this.ctx.json(this.ctx.api.POST('/auth', { body: { username, password, serveraddress }, signal: options.signal }));
  }
}

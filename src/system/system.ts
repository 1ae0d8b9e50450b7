/** system/ — `docker.system`: the engine itself (ping, version, info, events, df, registry login). Changes when a system endpoint changes. */
import { API_SINCE } from '../../generated/api-since.js';
import type { ApiContext } from '../api/context.js';
import { apiError } from '../api/result.js';
import { DockerInputError } from '../core/errors.js';
import { checkObject, kindOf } from '../core/input.js';
import { checkCallOptions, checkOptions } from '../core/check-options.js';
import type { CallOptions, QueryOf, Schemas } from '../core/spec.js';
import type { EventMessage } from '../streams/events.js';
import { systemEvents, type SystemEventsOptions } from './events.js';

export interface PingResult {
  /** The engine's own API version (before negotiation caps it). */
  apiVersion: string | null;
  osType: string | null;
  experimental: boolean;
  builderVersion: string | null;
  swarm: string | null;
}

type Usage<U, Item> = Omit<U, 'Items'> & {
  /** Present with `verbose: true`. (The spec names the item type only in a Go annotation; this is it.) */
  Items?: Item[];
};
/**
 * GET /system/df as API 1.52 and later answer it: per object type, counts and sizes (the items with `verbose`):
 * the spec's answer, its untyped `Items` typed.
 */
export interface DiskUsage {
  ImageUsage?: Usage<Schemas['ImagesDiskUsage'], Schemas['ImageSummary']>;
  ContainerUsage?: Usage<Schemas['ContainersDiskUsage'], Schemas['ContainerSummary']>;
  VolumeUsage?: Usage<Schemas['VolumesDiskUsage'], Schemas['Volume']>;
  BuildCacheUsage?: Usage<Schemas['BuildCacheDiskUsage'], Schemas['BuildCache']>;
}
/**
 * GET /system/df as engines before API 1.52 answer it (dockerd ≤ 28, Podman): every object listed in full. The
 * pinned spec no longer describes this shape; it is built from the spec's own item models.
 */
export interface LegacyDiskUsage {
  LayersSize?: number;
  Images?: Schemas['ImageSummary'][];
  Containers?: Schemas['ContainerSummary'][];
  Volumes?: Schemas['Volume'][];
  BuildCache?: Schemas['BuildCache'][] | null;
  /** Sent by the engines, not in any spec. */
  BuilderSize?: number;
}
/** What `system.df()` resolves with: the shape depends on the API version spoken (`isLegacyDiskUsage` tells). */
export type SystemDiskUsage = DiskUsage | LegacyDiskUsage;
export type SystemDfOptions = QueryOf<'SystemDataUsage'> & CallOptions;

/** Whether a df answer has the pre-1.52 shape (full lists) rather than the per-type summaries. */
export function isLegacyDiskUsage(df: SystemDiskUsage): df is LegacyDiskUsage {
  return ['LayersSize', 'Images', 'Containers', 'Volumes', 'BuildCache'].some((key) => Object.hasOwn(df, key));
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

  /**
   * `GET /events`: the engine's events as they happen (`since` replays past ones first), filtered by `filters`.
   * Iterate it; the loop ends at `until`, or when you leave it (`break`); aborting `signal` rejects the iteration
   * with DockerAbortError, as for every stream of this client. `timeNano` is exact (a decimal string).
   * A client `timeout` also bounds the wait between two events.
   */
  events(opts: SystemEventsOptions = {}): AsyncGenerator<EventMessage, void, undefined> {
    return systemEvents(this.ctx, opts);
  }

  /**
   * `GET /system/df`: disk usage of images, containers, volumes and build cache. `type` (API ≥ 1.42) limits it
   * to some of them; `verbose` (API ≥ 1.52) adds the items to the summaries. Older engines list every object
   * in full instead (LegacyDiskUsage).
   */
  async df(opts: SystemDfOptions = {}): Promise<SystemDiskUsage> {
    checkOptions('system.df', 'SystemDataUsage', opts);
    const { signal, ...rest } = opts;
    // An empty type list asks for nothing in particular: the same as no list, and no reason to refuse.
    const query = await this.ctx.gateQuery('system.df', API_SINCE.SystemDataUsage.params, { ...rest, type: rest.type?.length ? rest.type : undefined }, signal);
    return this.ctx.json(this.ctx.api.GET('/system/df', { params: { query }, signal })) as Promise<SystemDiskUsage>;
  }
}

/**
 * Which engine to talk to, decided the way the docker CLI decides it:
 *   explicit options > DOCKER_HOST > DOCKER_CONTEXT > `currentContext` of $DOCKER_CONFIG/config.json > default socket.
 * The context named `default` means the default socket. The answer says where it came from (`EndpointInfo`), so a
 * user can see which engine is in use and why.
 */
import { DEFAULT_HOST, optionsFromEnv, parseApiVersion, type TlsOptions } from '../transport/endpoint.js';
import { configDir, readCliConfig, type Env } from './config-file.js';
import { DEFAULT_CONTEXT, readContext } from './context-store.js';

export type EndpointSource = 'options' | 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'currentContext' | 'default' | 'discovered';

/** Where the client connects, and why. */
export interface EndpointInfo {
  /** The engine address, DOCKER_HOST style (`unix:///var/run/docker.sock`, `tcp://…`, `ssh://…`). */
  host: string;
  /**
   * What chose it: client options, the DOCKER_HOST variable, a context named by DOCKER_CONTEXT or by
   * `currentContext` in config.json, the default socket, or `DockerClient.discover()`.
   */
  source: EndpointSource;
  /** The context in use, when one decided (including `default`). */
  context?: string;
  /** The file the decision was read from: config.json for `currentContext`, the context's meta.json. */
  file?: string;
  /** TLS is configured for this endpoint. */
  tls: boolean;
  /** One sentence for people: `context "prod" (DOCKER_CONTEXT): tcp://10.0.0.5:2376 with TLS`. */
  reason: string;
}

export interface ResolvedConnection {
  host: string;
  tls?: TlsOptions;
  apiVersion?: string;
  endpoint: EndpointInfo;
}

export interface ExplicitConnection {
  host?: string;
  socketPath?: string;
  tls?: TlsOptions;
}

/** Resolve the engine address from explicit options and the environment (reads config.json and the context store). */
export function resolveConnection(env: Env, explicit: ExplicitConnection = {}): ResolvedConnection {
  const apiVersion = env.DOCKER_API_VERSION?.trim() ? parseApiVersion(env.DOCKER_API_VERSION, 'DOCKER_API_VERSION') : undefined;
  const done = (host: string, tls: TlsOptions | undefined, info: Omit<EndpointInfo, 'host' | 'tls' | 'reason'>, why: string): ResolvedConnection => {
    const withTls = !!tls;
    const reason = `${why}: ${host}${withTls ? (tls?.verify === false ? ' with TLS (not verified)' : ' with TLS') : ''}`;
    return { host, tls, apiVersion, endpoint: { host, tls: withTls, ...info, reason } };
  };

  if (explicit.host !== undefined || explicit.socketPath !== undefined) {
    const host = explicit.socketPath !== undefined ? `unix://${explicit.socketPath}` : explicit.host!;
    return done(host, explicit.tls, { source: 'options' }, 'client options');
  }
  if (env.DOCKER_HOST?.trim()) {
    const fromEnv = optionsFromEnv(env);
    return done(fromEnv.host, explicit.tls ?? fromEnv.tls, { source: 'DOCKER_HOST' }, 'DOCKER_HOST');
  }
  let name: string | undefined;
  let source: EndpointSource = 'default';
  let file: string | undefined;
  let origin = '';
  if (env.DOCKER_CONTEXT?.trim()) {
    name = env.DOCKER_CONTEXT.trim();
    source = 'DOCKER_CONTEXT';
    origin = 'DOCKER_CONTEXT';
  } else {
    const config = readCliConfig(env);
    if (config.currentContext) {
      name = config.currentContext;
      source = 'currentContext';
      file = config.source;
      origin = `currentContext in ${config.source}`;
    }
  }
  if (name === undefined) {
    return done(DEFAULT_HOST, explicit.tls, { source: 'default' }, `the default socket (DOCKER_HOST and DOCKER_CONTEXT unset, no currentContext in ${configDir(env)}/config.json)`);
  }
  if (name === DEFAULT_CONTEXT) {
    return done(DEFAULT_HOST, explicit.tls, { source, context: name, ...(file ? { file } : {}) }, `context "default" (${origin}), the default socket`);
  }
  const ctx = readContext(configDir(env), name, origin);
  const host = ctx.host ?? DEFAULT_HOST;
  // The Go client turns TLS on when the context has TLS material or skips verification (then tcp:// is https).
  const tls: TlsOptions | undefined =
    explicit.tls ?? (ctx.tls || ctx.skipTLSVerify ? { ...ctx.tls, verify: !ctx.skipTLSVerify } : undefined);
  return done(host, tls, { source, context: name, file: ctx.metaFile }, `context ${JSON.stringify(name)} (${origin})`);
}

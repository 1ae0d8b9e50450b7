/**
 * Registry credentials resolved the way the docker CLI resolves them, from the files `docker login` writes:
 *   DOCKER_AUTH_CONFIG (`auths`, held in memory, in front of the file) → `credHelpers[host]` → `credsStore` →
 *   `auths[host]` of $DOCKER_CONFIG/config.json (`auth` = base64 `user:password`, `identitytoken`).
 * Registries are keyed like the CLI keys them: Docker Hub under `https://index.docker.io/v1/` (whichever of
 * `docker.io`, `index.docker.io`, `registry-1.docker.io` names it), any other registry by `host[:port]`, scheme and
 * path stripped. Nothing is cached: every call reads the files again, so a `docker login` in between counts.
 * Errors name files, registries and helpers, never a secret.
 */
import type { RegistryAuth, RegistryConfig } from './auth.js';
import { authConfigFromEnv, readCliConfig, type CliConfig, type Env, type StoredAuth } from '../cli-config/config-file.js';
import { DockerInputError } from '../core/errors.js';
import { parseReference } from './reference.js';
import { helperGet } from './credential-helper.js';

/** The key Docker Hub's credentials are stored under. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `https://host:port/v2/…` → `host:port` (the CLI's ConvertToHostname). */
export function convertToHostname(address: string): string {
  const noScheme = address.replace(/^https?:\/\//i, '');
  return noScheme.split('/')[0];
}

/**
 * The key the CLI stores and looks up credentials under, for a registry host, a registry URL or an image
 * reference: Docker Hub → `https://index.docker.io/v1/`, others → `host[:port]`. A string without `/` is a registry
 * when it looks like a host (has `.` or `:`, or is `localhost`); otherwise it is an image reference (`busybox` → Hub).
 */
export function registryKey(registryOrImageRef: string): string {
  if (typeof registryOrImageRef !== 'string' || registryOrImageRef.trim() === '') {
    throw new DockerInputError('a registry or image reference is required (e.g. "ghcr.io" or "ghcr.io/org/app:1")');
  }
  const s = registryOrImageRef.trim();
  let host: string;
  if (/^https?:\/\//i.test(s)) host = convertToHostname(s);
  else if (!s.includes('/') && (s.includes('.') || s.includes(':') || s === 'localhost') && !s.includes('@')) host = s;
  else host = parseReference(s).domain ?? 'docker.io';
  return HUB_HOSTS.has(host.toLowerCase()) ? DOCKER_HUB_KEY : host;
}

/** Two config keys name the same registry (`https://ghcr.io` and `ghcr.io`; any two Hub spellings). */
function sameRegistry(configKey: string, key: string): boolean {
  if (configKey === key) return true;
  const host = convertToHostname(configKey);
  return HUB_HOSTS.has(host.toLowerCase()) ? key === DOCKER_HUB_KEY : host === key;
}

function lookup<T>(map: Record<string, T>, key: string): T | undefined {
  if (Object.hasOwn(map, key)) return map[key];
  for (const [k, v] of Object.entries(map)) if (sameRegistry(k, key)) return v;
  return undefined;
}

export interface CredentialOptions {
  /** Where DOCKER_CONFIG, HOME and DOCKER_AUTH_CONFIG are read (default process.env); helpers run with it on top of process.env. */
  env?: Env;
  /** ms a credential helper may take before it is killed (default 30 s). */
  helperTimeout?: number;
}

/** `docker.auth`: the credentials the docker CLI would use for a registry. */
export class RegistryCredentials {
  readonly #env: () => Env;
  readonly #timeout: number | undefined;

  constructor(options: CredentialOptions = {}) {
    const env = options.env;
    this.#env = () => env ?? process.env;
    this.#timeout = options.helperTimeout;
  }

  /**
   * The credentials for a registry (`ghcr.io`, `127.0.0.1:5000`, `https://index.docker.io/v1/`) or for the
   * registry of an image reference (`ghcr.io/org/app:1`, `busybox` → Docker Hub); undefined when there are none
   * (anonymous). A helper that fails or hangs rejects with DockerCredentialsError; a malformed config.json or
   * DOCKER_AUTH_CONFIG with DockerInputError naming it.
   */
  async resolve(registryOrImageRef: string): Promise<RegistryAuth | undefined> {
    const key = registryKey(registryOrImageRef);
    const env = this.#env();
    const inMemory = authConfigFromEnv(env);
    const stored = inMemory && lookup(inMemory.auths, key);
    if (stored) return fromStored(stored, key, inMemory.source);
    const config = readCliConfig(env);
    const helper = lookup(config.credHelpers, key) ?? config.credsStore;
    if (helper) return this.#fromHelper(helper, key, env);
    const entry = lookup(config.auths, key);
    return entry ? fromStored(entry, key, config.source) : undefined;
  }

  /** `X-Registry-Config` for several registries: key → credentials, registries without any left out. */
  async resolveConfig(registries: Iterable<string>): Promise<RegistryConfig> {
    const keys = [...new Set([...registries].map(registryKey))];
    const out: RegistryConfig = {};
    for (const key of keys) {
      const auth = await this.resolve(key);
      if (auth) out[key] = auth;
    }
    return out;
  }

  async #fromHelper(helper: string, key: string, env: Env): Promise<RegistryAuth | undefined> {
    const got = await helperGet(helper, key, { env, timeout: this.#timeout });
    if (!got) return undefined;
    // The protocol's marker for an identity token (OAuth refresh token) instead of a password.
    if (got.Username === '<token>') return { identitytoken: got.Secret, serveraddress: key };
    return { username: got.Username, password: got.Secret, serveraddress: key };
  }

  /** Never shows the environment (it may hold DOCKER_AUTH_CONFIG) in console.log / util.inspect. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'RegistryCredentials {}';
  }
}

function fromStored(stored: StoredAuth, key: string, source: CliConfig['source']): RegistryAuth | undefined {
  let { username, password } = stored;
  if (stored.auth) {
    const decoded = Buffer.from(stored.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new DockerInputError(`${source}: auths[${JSON.stringify(key)}].auth is not base64 of "user:password"`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const out: Record<string, string> = { serveraddress: key };
  if (username) out.username = username;
  if (password) out.password = password;
  if (stored.identitytoken) out.identitytoken = stored.identitytoken;
  if (Object.keys(out).length === 1) return undefined;
  return out as RegistryAuth;
}

/**
 * Per-registry credentials for a build session: BuildKit asks for one registry host at a time
 * (`127.0.0.1:5000`, `ghcr.io`, `registry-1.docker.io`), and gets the credentials of that registry only —
 * never one credential for every host.
 *
 * Sources, in order: the caller's `registryConfig` (keyed like `X-Registry-Config`: `host[:port]`, a URL such as
 * `https://ghcr.io`, or `https://index.docker.io/v1/` for Docker Hub), then the lookup function (by default
 * `docker.auth`: config.json and credential helpers). Keys and hosts are compared the way the docker CLI keys
 * credentials (credentials.ts `registryKey`: every Docker Hub spelling is one registry).
 */
import type { RegistryAuth, RegistryConfig } from './auth.js';
import { registryKey } from './credentials.js';
import type { CredentialsLookup } from './auth.js';

/** The credentials of `registryConfig` for one host, or of `fallback`; undefined when neither has any. */
export function sessionCredentials(registryConfig: RegistryConfig | undefined, fallback: CredentialsLookup | undefined): CredentialsLookup {
  const byKey = new Map<string, RegistryAuth>();
  for (const [key, auth] of Object.entries(registryConfig ?? {})) {
    const k = registryKey(key);
    // An exact key wins over another spelling of the same registry.
    if (!byKey.has(k) || key === k) byKey.set(k, auth);
  }
  return async (host) => byKey.get(registryKey(host)) ?? (fallback ? await fallback(host) : undefined);
}

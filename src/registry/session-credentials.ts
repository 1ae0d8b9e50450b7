/**
 * Per-registry credentials for a build session: BuildKit asks for one registry host at a time
 * (`127.0.0.1:5000`, `ghcr.io`, `registry-1.docker.io`), and gets the credentials of that registry only —
 * never one credential for every host.
 *
 * Sources, in order: the caller's `registryConfig` (keyed like `X-Registry-Config`: `host[:port]`, a URL such as
 * `https://ghcr.io`, or `https://index.docker.io/v1/` for Docker Hub), then the caller's lookup function (e.g. the
 * docker CLI's config.json and credential helpers).
 */
import type { RegistryAuth, RegistryConfig } from './auth.js';
import type { CredentialsLookup } from './session-services.js';

const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `https://Host:5000/v1/` → `host:5000`; every Docker Hub spelling → `docker.io`. */
export function registryHost(address: string): string {
  const host = address.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0].toLowerCase();
  return HUB_HOSTS.has(host) ? 'docker.io' : host;
}

/** The credentials of `registryConfig` for one host, or of `fallback`; undefined when neither has any. */
export function sessionCredentials(registryConfig: RegistryConfig | undefined, fallback: CredentialsLookup | undefined): CredentialsLookup {
  const byHost = new Map<string, RegistryAuth>();
  for (const [key, auth] of Object.entries(registryConfig ?? {})) {
    const host = registryHost(key);
    // An exact host key wins over a URL spelling of the same registry.
    if (!byHost.has(host) || key.toLowerCase() === host) byHost.set(host, auth);
  }
  return async (host) => byHost.get(registryHost(host)) ?? (fallback ? await fallback(host) : undefined);
}

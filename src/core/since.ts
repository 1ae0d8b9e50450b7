/**
 * The one version gate: refuse what an engine's API version predates, before anything is sent (moby's
 * `versions.LessThan` checks, client side). Per-resource tables say which query parameter arrived when; this is
 * the engine that reads them, so a generated table can replace a hand-written one without touching the rule.
 *
 * Why refuse instead of sending: the daemon reads only the parameters its API version knows and ignores the rest
 * without a word, so `inspect(name, { platform })` sent to a v1.41 engine would answer for the host platform as if
 * no platform had been asked for — a different answer that looks like the right one. The call is rejected with a
 * DockerInputError naming the parameter, the version that introduced it and the version the engine speaks. A
 * `false` value asks for the behaviour older engines have anyway, so it is dropped rather than refused.
 */
import type { operations } from '../../generated/docker-engine.js';
import { DockerInputError } from './errors.js';
import type { QueryOf } from './spec.js';
import { compareVersions } from './versions.js';

/** Per operation: query parameter → first API version that reads it (moby's API version history). */
export type ParamSince = { readonly [K in keyof operations]?: { readonly [P in keyof QueryOf<K>]?: string } };

/** Throws DockerInputError when `apiVersion` predates `since`; `what` names the option or operation refused. */
export function requireSince(what: string, since: string, apiVersion: string): void {
  if (compareVersions(apiVersion, since) >= 0) return;
  throw new DockerInputError(
    `${what} needs Engine API v${since} or newer, but this engine speaks v${apiVersion} (an older engine would silently ignore it)`,
  );
}

/**
 * Check `query` against one operation's row of a ParamSince table at `apiVersion`: throws for a parameter the
 * engine is too old for; returns a copy without the `false`-valued ones. `method` names the public method.
 */
export function gateParams<Q extends object>(since: Readonly<Record<string, string>> | undefined, method: string, apiVersion: string, query: Q): Q {
  const out = { ...query } as Record<string, unknown>;
  for (const [param, version] of Object.entries(since ?? {})) {
    const value = out[param];
    if (value === undefined || compareVersions(apiVersion, version) >= 0) continue;
    if (value === false) delete out[param];
    else requireSince(`${method}: option ${JSON.stringify(param)}`, version, apiVersion);
  }
  return out as Q;
}

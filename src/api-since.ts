/**
 * Query parameters newer than the oldest engine API this client speaks (MIN_API_VERSION), and the refusal to
 * send one to an engine that predates it.
 *
 * Why refuse instead of sending: the daemon reads only the parameters its API version knows and ignores the rest
 * without a word, so `inspect(name, { platform })` sent to a v1.41 engine would answer for the host platform as if
 * no platform had been asked for — a different answer that looks like the right one. The call is rejected before
 * anything is sent, with a DockerInputError naming the parameter, the version that introduced it and the version
 * the engine speaks. A `false` value asks for the behaviour older engines have anyway, so it is dropped rather
 * than refused.
 */
import type { operations } from '../generated/docker-engine.js';
import { DockerInputError } from './errors.js';
import { compareVersions } from './versions.js';

type QueryOf<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;

/** Per operation: query parameter → first API version that reads it (moby's API version history). */
export const PARAM_SINCE = {
  ImageList: { 'shared-size': '1.42', manifests: '1.47', identity: '1.54' },
  ImageInspect: { manifests: '1.48', platform: '1.49' },
  ImageHistory: { platform: '1.48' },
  ImageDelete: { platforms: '1.50' },
  ImagePush: { platform: '1.46' },
  ImageLoad: { platform: '1.48' },
  ImageGet: { platform: '1.48' },
  ImageGetAll: { platform: '1.48' },
  // `reserved-space` is not listed: below 1.48 the same setting is called `keep-storage` (see builder.ts).
  BuildPrune: { 'max-used-space': '1.48', 'min-free-space': '1.48' },
} as const satisfies { readonly [K in keyof operations]?: { readonly [P in keyof QueryOf<K>]?: string } };

export type GatedOperation = keyof typeof PARAM_SINCE;

/**
 * Check `query` (the parameters about to be sent for operation `op`) against the negotiated `apiVersion`. Throws
 * DockerInputError for a parameter the engine is too old for; returns a copy without the `false`-valued ones.
 * `method` names the public method in the message (e.g. `images.inspect`).
 */
export function gateParams<K extends GatedOperation, Q extends object>(op: K, method: string, apiVersion: string, query: Q): Q {
  const since: Readonly<Record<string, string>> = PARAM_SINCE[op];
  const out = { ...query } as Record<string, unknown>;
  for (const [param, version] of Object.entries(since)) {
    const value = out[param];
    if (value === undefined) continue;
    if (compareVersions(apiVersion, version) >= 0) continue;
    if (value === false) {
      delete out[param];
      continue;
    }
    throw new DockerInputError(
      `${method}: option ${JSON.stringify(param)} needs Engine API v${version} or newer, but this engine speaks v${apiVersion} ` +
        '(an older engine would silently ignore it)',
    );
  }
  return out as Q;
}

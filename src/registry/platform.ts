/** OCI platform options as the API wants them: each platform object as its JSON text. */
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';

/** One platform object → JSON text (undefined stays undefined); `what` names the option in the error. */
export function encodePlatform(platform: unknown, what = 'platform'): string | undefined {
  if (platform === undefined) return undefined;
  if (platform === null || typeof platform !== 'object' || Array.isArray(platform)) {
    throw new DockerInputError(`${what} must be an OCI platform object such as { os: "linux", architecture: "amd64" }, got ${kindOf(platform)}`);
  }
  return JSON.stringify(platform);
}

/** One platform object or a list of them → one JSON text each (for parameters the daemon reads repeated). */
export function encodePlatforms(value: unknown, what: string): string[] | undefined {
  if (value === undefined) return undefined;
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.map((p, i) => encodePlatform(p, Array.isArray(value) ? `${what}[${i}]` : what) as string);
}

/** `platform` for containers.create: that query wants `os[/arch[/variant]]`, not the JSON other endpoints take. */
export function platformPath(platform: unknown, what: string): string | undefined {
  if (platform === undefined || typeof platform === 'string') return platform;
  const p = platform as { os?: unknown; architecture?: unknown; variant?: unknown } | null;
  if (p === null || typeof p !== 'object' || typeof p.os !== 'string' || p.os === '') {
    throw new DockerInputError(`${what} must be "os[/arch[/variant]]" or { os, architecture?, variant? }, got ${kindOf(platform)}`);
  }
  return [p.os, p.architecture, p.variant].filter((part) => typeof part === 'string' && part !== '').join('/');
}

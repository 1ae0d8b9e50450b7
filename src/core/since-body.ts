/**
 * The version gate for request-body fields (generated/api-since.ts lists them per operation as paths such as
 * `HostConfig.Mounts[].BindOptions.CreateMountpoint` or `NetworkingConfig.EndpointsConfig.*.MacAddress`). The
 * daemon decodes a body into the struct of its own API version and drops what it does not know, so a field newer
 * than the engine would silently do nothing; it is refused before sending, like a too-new query parameter.
 */
import { requireSince } from './since.js';
import { compareVersions } from './versions.js';

/** Is the field at `path` set (not undefined/null) anywhere in `value`? `[]`: any array element; `*`: any map value. */
export function hasBodyField(value: unknown, path: string): boolean {
  return isSet(value, path.split('.'));
}

function isSet(value: unknown, segments: string[]): boolean {
  if (value === undefined || value === null) return false;
  if (segments.length === 0) return true;
  const [head, ...rest] = segments;
  if (typeof value !== 'object') return false;
  if (head === '*') return Object.values(value).some((v) => isSet(v, rest));
  const each = head.endsWith('[]');
  const child = (value as Record<string, unknown>)[each ? head.slice(0, -2) : head];
  if (!each) return isSet(child, rest);
  return Array.isArray(child) && child.some((item) => isSet(item, rest));
}

/** Throws DockerInputError for the first field of `body` newer than `apiVersion` (per `since`: path → version). */
export function gateBody(since: Readonly<Record<string, string>> | undefined, method: string, apiVersion: string, body: unknown): void {
  for (const [path, version] of Object.entries(since ?? {})) {
    if (compareVersions(apiVersion, version) >= 0) continue;
    if (hasBodyField(body, path)) requireSince(`${method}: body field ${JSON.stringify(path)}`, version, apiVersion);
  }
}

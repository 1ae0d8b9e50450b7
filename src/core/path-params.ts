/**
 * Path parameters (image names, container/exec/volume/network ids, …) are checked once, here, for every call the
 * client makes — high-level methods and raw `docker.api` calls alike — before anything is sent.
 *
 * A parameter is percent-encoded, but `.` and `..` survive encoding: `inspect('..')` would go out as
 * `GET /images/../json`. dockerd answers such paths with a redirect; a normalising proxy in front of the socket
 * would send the request to another endpoint instead. So a parameter that is empty, or that has an empty, `.` or
 * `..` segment between its `/`s (image names legitimately contain `/`, which is encoded), is refused.
 */
import { DockerInputError } from './errors.js';
import { kindOf } from './input.js';

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** Throws DockerInputError unless `value` can be sent as the path parameter `name` of `path`. */
export function checkPathParam(path: string, name: string, value: unknown): void {
  if (typeof value === 'number' && Number.isFinite(value)) return;
  // Every call's path: the message (and anything else) is made only when it is thrown.
  if (typeof value !== 'string') throw new DockerInputError(`${where(path, name)} must be a string, got ${kindOf(value)}`);
  if (value.trim() === '') throw new DockerInputError(`${where(path, name)} must not be empty or blank`);
  // Without a `/` or a `.` the value is one segment that is neither empty, `.` nor `..`.
  if (!value.includes('/') && !value.includes('.')) return;
  const bad = value.split('/').find((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad !== undefined) {
    throw new DockerInputError(
      `${where(path, name)} ${JSON.stringify(value)} has ${bad === '' ? 'an empty segment' : `a \`${bad}\` segment`}: it would address another endpoint`,
    );
  }
}

const where = (path: string, name: string): string => `path parameter \`${name}\` of ${path}`;

/** Spec paths split once into literal parts and parameter names (odd indexes): no regex per call. */
const templates = new Map<string, string[]>();

function partsOf(path: string): string[] {
  let parts = templates.get(path);
  if (parts === undefined) {
    parts = path.split(PLACEHOLDER);
    if (templates.size < 1000) templates.set(path, parts);
  }
  return parts;
}

/** openapi-fetch's default path serialisation of `{name}` templates (simple style); a missing value stays `{name}`. */
export function serializePath(path: string, params: Record<string, unknown>): string {
  const parts = partsOf(path);
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 2) {
    const value = params[parts[i]];
    out += (value === undefined || value === null ? `{${parts[i]}}` : encodeURIComponent(value as string)) + parts[i + 1];
  }
  return out;
}

/**
 * `docker.api`'s path serializer: every `{placeholder}` of the operation's path must have a valid value — a
 * missing one would be sent as the literal text `{name}` — then the default serialisation.
 */
export function checkedPathSerializer(path: string, params: Record<string, unknown>): string {
  const parts = partsOf(path);
  // Messages name the path only, also when given an absolute URL template.
  const shown = path.startsWith('/') ? path : path.replace(/^[a-z]+:\/\/[^/]+/i, '');
  for (let i = 1; i < parts.length; i += 2) checkPathParam(shown, parts[i], params[parts[i]]);
  return serializePath(path, params);
}

/**
 * Path parameters (image names, container/exec/volume/network ids, …) are checked once, here, for every call the
 * client makes — high-level methods and raw `docker.api` calls alike — before anything is sent.
 *
 * openapi-fetch percent-encodes a parameter, but `.` and `..` survive encoding: `inspect('..')` would go out as
 * `GET /images/../json`. dockerd answers such paths with a redirect; a normalising proxy in front of the socket
 * would send the request to another endpoint instead. So a parameter that is empty, or that has an empty, `.` or
 * `..` segment between its `/`s (image names legitimately contain `/`, which is encoded), is refused.
 */
import { defaultPathSerializer } from 'openapi-fetch';
import { DockerInputError } from './errors.js';
import { kindOf } from './input.js';

const PLACEHOLDER = /\{([^{}]+)\}/g;

/** Throws DockerInputError unless `value` can be sent as the path parameter `name` of `path`. */
export function checkPathParam(path: string, name: string, value: unknown): void {
  const where = `path parameter \`${name}\` of ${path}`;
  if (typeof value === 'number' && Number.isFinite(value)) return;
  if (typeof value !== 'string') throw new DockerInputError(`${where} must be a string, got ${kindOf(value)}`);
  if (value.trim() === '') throw new DockerInputError(`${where} must not be empty or blank`);
  const bad = value.split('/').find((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad !== undefined) {
    throw new DockerInputError(
      `${where} ${JSON.stringify(value)} has ${bad === '' ? 'an empty segment' : `a \`${bad}\` segment`}: it would address another endpoint`,
    );
  }
}

/**
 * openapi-fetch's `pathSerializer` (set on the client): every `{placeholder}` of the operation's path must have a
 * valid value — a missing one would be sent as the literal text `{name}` — then the default serialisation.
 */
export function checkedPathSerializer(pathname: string, params: Record<string, unknown>): string {
  // pathname is the absolute URL template (baseUrl + path); report only the path.
  const path = pathname.replace(/^[a-z]+:\/\/[^/]+/i, '');
  for (const [, name] of path.matchAll(PLACEHOLDER)) checkPathParam(path, name, params[name]);
  return defaultPathSerializer(pathname, params);
}

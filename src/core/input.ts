/** Checks of caller input shared by every resource: each failure is a DockerInputError naming the option. */
import { DockerInputError } from './errors.js';

/**
 * How input errors name a wrong value: `null`, `an array`, or its `typeof`. With `show: 'value'` strings,
 * numbers and booleans are shown themselves (strings quoted, cut at 40 characters); with `show: 'class'`
 * objects are named by their constructor (`Buffer`, `Object`).
 */
export function kindOf(value: unknown, show: 'type' | 'value' | 'class' = 'type'): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (show === 'value') {
    if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  }
  if (show === 'class' && typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** An options object (or undefined); `what` names it in the error. */
export function checkObject(value: unknown, what: string): asserts value is Record<string, unknown> | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new DockerInputError(`${what} must be an object, got ${kindOf(value)}`);
  }
}

/** Names go into the URL path: an empty one would address a different endpoint (`/images//json`). */
export function checkName(method: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DockerInputError(`${method}: \`${what}\` must be a non-empty string, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
  }
}

/** A non-empty string, or a list of them (`what` names the option in the error). */
export function stringList(value: unknown, what: string, { allowEmptyList = false } = {}): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!allowEmptyList && list.length === 0) throw new DockerInputError(`${what} must not be an empty list`);
  for (const item of list) {
    if (typeof item !== 'string' || item === '') {
      throw new DockerInputError(`${what} must be a non-empty string${Array.isArray(value) ? ' in every entry' : ''}, got ${kindOf(item)}`);
    }
  }
  return list as string[];
}

/** `{string: string}` maps (buildargs, labels) → their JSON text. */
export function stringMap(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  checkObject(value, what);
  for (const [k, v] of Object.entries(value ?? {})) {
    if (typeof v !== 'string') throw new DockerInputError(`${what}[${JSON.stringify(k)}] must be a string, got ${kindOf(v)}`);
  }
  return JSON.stringify(value);
}

/** Run a check whose DockerInputError (or other failure) is re-thrown with `prefix` (the method) in front. */
export function inMethod<T>(prefix: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    throw new DockerInputError(`${prefix}: ${(err as Error).message}`);
  }
}

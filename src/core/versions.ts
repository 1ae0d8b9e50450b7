/** API version arithmetic ("1.41" style strings) and the range this client speaks. */
import { SPEC_API_VERSION } from '../../generated/spec-info.js';

/** Oldest engine API this client talks to (Docker 19.03); below it the spec's shapes diverge too far. */
export const MIN_API_VERSION = '1.40';
/** Newest API this client asks for: the version of the pinned spec its types come from. */
export const MAX_API_VERSION = SPEC_API_VERSION;

export function compareVersions(a: string, b: string): number {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

export function minVersion(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}

/**
 * Container query parameters newer than the oldest engine API this client speaks (MIN_API_VERSION), from the
 * specs in shared/specs (test/unit/containers-since.test.ts checks this table against them).
 */
import type { ParamSince } from '../core/since.js';

export const CONTAINER_PARAM_SINCE = {
  ContainerCreate: { platform: '1.41' },
  ContainerStats: { 'one-shot': '1.41' },
  ContainerStop: { signal: '1.42' },
  ContainerRestart: { signal: '1.42' },
} as const satisfies ParamSince;

/** Exec start's `ConsoleSize` body field. */
export const EXEC_CONSOLE_SIZE_SINCE = '1.42';

/**
 * The client under test, loaded as users get it: the packed package installed by package-install.ts (its
 * directory in BENCH_CLIENT_DIR), not the TypeScript sources. Types still come from src/ so the bench
 * type-checks without a build.
 */
import type * as Lib from '../../src/index.js';

export type ClientLib = typeof Lib;
export type DockerClient = Lib.DockerClient;

function clientDir(): string {
  const dir = process.env.BENCH_CLIENT_DIR;
  if (!dir) throw new Error('BENCH_CLIENT_DIR is not set: run the bench with `npm run bench`');
  return dir;
}

export function loadClient(): ClientLib {
  return require(clientDir()) as ClientLib;
}

/** A dependency as the installed client resolves it (the floor must use the very same undici). */
export function requireFromClient<T>(name: string): T {
  return require(require.resolve(name, { paths: [clientDir()] })) as T;
}

/** A method of `docker.images` that may not have landed yet (the image API is being written). */
export function optionalMethod(target: object, name: string): ((...args: unknown[]) => unknown) | undefined {
  const fn = (target as Record<string, unknown>)[name];
  return typeof fn === 'function' ? (fn as (...args: unknown[]) => unknown).bind(target) : undefined;
}

/** Stubs throw "not implemented": treat that as "not yet available", never as a measured figure. */
export function isNotImplemented(err: unknown): boolean {
  return /not implemented/i.test(String((err as Error)?.message ?? err));
}

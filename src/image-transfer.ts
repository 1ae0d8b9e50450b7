/**
 * Streamed image operations: pull, push, import, load, save, build.
 * STUB — signatures fixed; bodies being written. Each returns a StreamOperation (src/operation.ts) except save.
 */
import type { Readable } from 'node:stream';
import type { DockerClient } from './client.js';

export type PullOptions = Record<string, unknown> & { signal?: AbortSignal };
export type PushOptions = Record<string, unknown> & { signal?: AbortSignal };
export type ImportOptions = Record<string, unknown> & { signal?: AbortSignal };
export type LoadOptions = Record<string, unknown> & { signal?: AbortSignal };
export type SaveOptions = Record<string, unknown> & { signal?: AbortSignal };
export type BuildOptions = Record<string, unknown> & { signal?: AbortSignal };

const todo = (): never => {
  throw new Error('not implemented yet');
};

export function pullImage(_docker: DockerClient, _ref: string, _opts: PullOptions = {}): PromiseLike<unknown> & AsyncIterable<unknown> {
  return todo();
}
export function pushImage(_docker: DockerClient, _ref: string, _opts: PushOptions = {}): PromiseLike<unknown> & AsyncIterable<unknown> {
  return todo();
}
export function importImage(_docker: DockerClient, _source: unknown, _opts: ImportOptions = {}): PromiseLike<unknown> & AsyncIterable<unknown> {
  return todo();
}
export function loadImages(_docker: DockerClient, _source: unknown, _opts: LoadOptions = {}): PromiseLike<unknown> & AsyncIterable<unknown> {
  return todo();
}
export function saveImages(_docker: DockerClient, _nameOrNames: string | string[], _opts: SaveOptions = {}): Promise<Readable> {
  return todo();
}
export function buildImage(_docker: DockerClient, _context: unknown, _opts: BuildOptions = {}): PromiseLike<unknown> & AsyncIterable<unknown> {
  return todo();
}

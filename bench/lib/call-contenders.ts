/**
 * Figure 1 and 2 contenders: one way each to call `GET /images/json` and `GET /images/{name}/json` and get the
 * parsed JSON. Every contender parses the body, so all do the same work the caller needs.
 */
import type Dockerode from 'dockerode';
import type * as Undici from 'undici';
import { isNotImplemented, loadClient, optionalMethod, requireFromClient, type DockerClient } from './client.js';

export const CALL_CONTENDERS = ['floor', 'raw', 'high', 'dockerode', 'node-sdk'] as const;
export type CallContenderName = (typeof CALL_CONTENDERS)[number];

export const CALL_LABELS: Record<CallContenderName, string> = {
  floor: 'undici `Pool.request()` (floor)',
  raw: 'this client, `docker.api.GET`',
  high: 'this client, `docker.images.*`',
  dockerode: 'dockerode',
  'node-sdk': '@docker/node-sdk',
};

export type CallOp = 'list' | 'inspect';

export interface CallContender {
  /** Undefined when this contender has no such call (yet). */
  list?: () => Promise<unknown>;
  inspect?: (id: string) => Promise<unknown>;
  /** Why an operation is missing, for the table. */
  missing?: Partial<Record<CallOp, string>>;
  close(): Promise<void>;
}

export interface CallEnv {
  socketPath: string;
  apiVersion: string;
  /** An image that exists, for the availability probe of inspect. */
  imageId: string;
  /** Connection cap for the undici contenders (the floor's Pool, and this client's `maxConnections` option). */
  maxConnections: number;
}

/** This client with the connection cap, where the installed version has the option (`maxConnections`). */
function newClient(env: CallEnv): DockerClient {
  const { DockerClient } = loadClient();
  return new DockerClient({ socketPath: env.socketPath, maxConnections: env.maxConnections } as ConstructorParameters<typeof DockerClient>[0]);
}

function check(status: number, what: string): void {
  if (status !== 200) throw new Error(`${what}: HTTP ${status}`);
}

export async function makeCallContender(name: CallContenderName, env: CallEnv): Promise<CallContender> {
  switch (name) {
    case 'floor': {
      const { Pool } = requireFromClient<typeof Undici>('undici');
      const pool = new Pool('http://localhost', { connect: { socketPath: env.socketPath }, connections: env.maxConnections });
      const base = `/v${env.apiVersion}`;
      return {
        async list() {
          const { statusCode, body } = await pool.request({ method: 'GET', path: `${base}/images/json` });
          const data = await body.json();
          check(statusCode, 'list');
          return data;
        },
        async inspect(id) {
          const { statusCode, body } = await pool.request({ method: 'GET', path: `${base}/images/${encodeURIComponent(id)}/json` });
          const data = await body.json();
          check(statusCode, 'inspect');
          return data;
        },
        close: () => pool.close(),
      };
    }
    case 'raw': {
      const docker = newClient(env);
      await docker.negotiate();
      return {
        async list() {
          const { data, error, response } = await docker.api.GET('/images/json');
          if (error !== undefined) throw new Error(`list: HTTP ${response.status}`);
          return data;
        },
        async inspect(id) {
          const { data, error, response } = await docker.api.GET('/images/{name}/json', { params: { path: { name: id } } });
          if (error !== undefined) throw new Error(`inspect: HTTP ${response.status}`);
          return data;
        },
        close: () => docker.close(),
      };
    }
    case 'high': {
      const docker = newClient(env);
      await docker.negotiate();
      const list = optionalMethod(docker.images, 'list');
      const inspect = optionalMethod(docker.images, 'inspect');
      const missing: Partial<Record<CallOp, string>> = {};
      // A stub that throws "not implemented" counts as not yet available.
      const probe = async (op: CallOp, fn: (() => unknown) | undefined) => {
        if (!fn) return void (missing[op] = 'not yet available');
        try {
          await fn();
        } catch (err) {
          if (isNotImplemented(err)) missing[op] = 'not yet available';
          else throw err;
        }
      };
      await probe('list', list && (() => list()));
      await probe('inspect', inspect && (() => inspect(env.imageId)));
      return {
        list: missing.list || !list ? undefined : () => list() as Promise<unknown>,
        inspect: missing.inspect || !inspect ? undefined : (id) => inspect(id) as Promise<unknown>,
        missing,
        close: () => docker.close(),
      };
    }
    case 'dockerode': {
      const DockerodeCtor = require('dockerode') as typeof Dockerode;
      const docker = new DockerodeCtor({ socketPath: env.socketPath });
      return {
        list: () => docker.listImages(),
        inspect: (id) => docker.getImage(id).inspect(),
        close: async () => {},
      };
    }
    case 'node-sdk': {
      // Talks to the daemon without a version prefix (the engine's own API version) over undici 6 `fetch`.
      const { DockerClient } = require('@docker/node-sdk') as typeof import('@docker/node-sdk');
      const docker = await DockerClient.fromDockerHost(`unix:${env.socketPath}`);
      return {
        list: () => docker.imageList(),
        inspect: (id) => docker.imageInspect(id),
        close: () => docker.close(),
      };
    }
  }
}

/** Sanity check of a contender's answer: each must return the real data, or its timing means nothing. */
export function checkAnswer(op: CallOp, value: unknown, id: string, minImages: number): void {
  if (op === 'list') {
    if (!Array.isArray(value) || value.length < minImages) {
      throw new Error(`list returned ${Array.isArray(value) ? `${value.length} images` : typeof value}, expected ≥ ${minImages}`);
    }
  } else if ((value as { Id?: unknown })?.Id !== id) {
    throw new Error(`inspect returned Id ${JSON.stringify((value as { Id?: unknown })?.Id)}, expected ${id}`);
  }
}

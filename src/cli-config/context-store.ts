/**
 * The docker CLI's context store, read-only: `$DOCKER_CONFIG/contexts/meta/<sha256(name)>/meta.json` holds the
 * endpoint (`Endpoints.docker.Host`, `SkipTLSVerify`), `contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem` its
 * TLS material. The context named `default` is not stored: it means DOCKER_HOST or the default socket.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';
import { isObject } from './config-file.js';

export const DEFAULT_CONTEXT = 'default';

export interface StoredContext {
  name: string;
  /** `Endpoints.docker.Host`; undefined when the context sets none (the default socket then). */
  host?: string;
  skipTLSVerify: boolean;
  /** PEM files present in the context's TLS directory. */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** The meta.json the context was read from. */
  metaFile: string;
}

/** The store's directory name for a context: hex sha256 of its name. */
export function contextId(name: string): string {
  // node:crypto is loaded here, on first use, not with the package (bench/README.md, import cost).
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(name).digest('hex');
}

/** Reads context `name` from the store under `configDir`. Unknown name → DockerInputError naming it and the store. */
export function readContext(configDir: string, name: string, origin: string): StoredContext {
  const id = contextId(name);
  const store = join(configDir, 'contexts', 'meta');
  const metaFile = join(store, id, 'meta.json');
  let text: string;
  try {
    text = readFileSync(metaFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DockerInputError(`context ${JSON.stringify(name)} (from ${origin}) does not exist: no ${id}/meta.json in the context store ${store}`);
    }
    throw new DockerInputError(`cannot read context ${JSON.stringify(name)}: ${metaFile} (${code ?? String(err)})`);
  }
  const bad = (why: string) => new DockerInputError(`context ${JSON.stringify(name)}: ${metaFile} is not valid context metadata: ${why}`);
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch {
    throw bad('invalid JSON');
  }
  if (!isObject(meta)) throw bad(`expected a JSON object, got ${kindOf(meta)}`);
  const endpoints = meta.Endpoints;
  if (endpoints !== undefined && !isObject(endpoints)) throw bad(`"Endpoints" must be an object, got ${kindOf(endpoints)}`);
  const docker = endpoints?.docker;
  if (docker === undefined || docker === null) throw bad('it has no "docker" endpoint (Endpoints.docker)');
  if (!isObject(docker)) throw bad(`Endpoints.docker must be an object, got ${kindOf(docker)}`);
  const { Host, SkipTLSVerify } = docker;
  if (Host !== undefined && Host !== null && typeof Host !== 'string') throw bad(`Endpoints.docker.Host must be a string, got ${kindOf(Host)}`);
  if (SkipTLSVerify !== undefined && SkipTLSVerify !== null && typeof SkipTLSVerify !== 'boolean') {
    throw bad(`Endpoints.docker.SkipTLSVerify must be a boolean, got ${kindOf(SkipTLSVerify)}`);
  }
  const out: StoredContext = { name, skipTLSVerify: SkipTLSVerify === true, metaFile };
  if (Host) out.host = Host;
  const tls = readTlsDir(join(configDir, 'contexts', 'tls', id, 'docker'));
  if (tls) out.tls = tls;
  return out;
}

function readTlsDir(dir: string): StoredContext['tls'] {
  const out: NonNullable<StoredContext['tls']> = {};
  for (const name of ['ca', 'cert', 'key'] as const) {
    try {
      out[name] = readFileSync(join(dir, `${name}.pem`));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new DockerInputError(`cannot read ${join(dir, `${name}.pem`)} (${code ?? String(err)})`);
    }
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The docker CLI's configuration directory: `$DOCKER_CONFIG` (a directory), default `~/.docker`, and the parts of
 * its `config.json` this client follows — `auths`, `credsStore`, `credHelpers`, `currentContext` — plus the
 * `DOCKER_AUTH_CONFIG` variable (a config.json text held in memory, consulted in front of the file).
 *
 * A missing file is an empty configuration (the CLI's behaviour); a malformed one is a DockerInputError naming
 * the file. Messages never quote the file's content: it holds credentials.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';

export type Env = Record<string, string | undefined>;

/** One `auths` entry as config.json stores it. */
export interface StoredAuth {
  /** base64 of `user:password`. */
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface CliConfig {
  /** Where the configuration was read from: a file path, or `DOCKER_AUTH_CONFIG`. */
  source: string;
  auths: Record<string, StoredAuth>;
  /** Helper for every registry without its own `credHelpers` entry (`docker-credential-<credsStore>`). */
  credsStore?: string;
  /** Registry host → helper name. */
  credHelpers: Record<string, string>;
  currentContext?: string;
}

/** `$DOCKER_CONFIG`, else `$HOME/.docker` (the CLI uses $HOME, falling back to the account's home). */
export function configDir(env: Env): string {
  const dir = env.DOCKER_CONFIG?.trim();
  if (dir) return dir;
  return join(env.HOME?.trim() || homedir(), '.docker');
}

export function configFilePath(env: Env): string {
  return join(configDir(env), 'config.json');
}

/** Reads `$DOCKER_CONFIG/config.json`; a missing file (or directory) is an empty configuration. */
export function readCliConfig(env: Env): CliConfig {
  const path = configFilePath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { source: path, auths: {}, credHelpers: {} };
    throw new DockerInputError(`cannot read the docker CLI configuration ${path} (${code ?? String(err)})`);
  }
  return parseCliConfig(text, path);
}

/** `DOCKER_AUTH_CONFIG`: the same JSON as config.json (only `auths` and helpers are used), or undefined. */
export function authConfigFromEnv(env: Env): CliConfig | undefined {
  const text = env.DOCKER_AUTH_CONFIG;
  if (text === undefined || text.trim() === '') return undefined;
  return parseCliConfig(text, 'DOCKER_AUTH_CONFIG');
}

/** Parses and checks a config.json text; `source` names it in errors. Unknown keys are ignored, as the CLI does. */
export function parseCliConfig(text: string, source: string): CliConfig {
  const bad = (why: string) => new DockerInputError(`${source} is not a valid docker CLI configuration: ${why}`);
  let raw: unknown;
  try {
    // An empty file is what the CLI itself treats as an empty configuration.
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    // Only where: V8's SyntaxError quotes the text around the fault, which may be a password.
    throw bad(`invalid JSON${jsonErrorPlace(text, err)}`);
  }
  if (!isObject(raw)) throw bad(`expected a JSON object, got ${kindOf(raw)}`);
  const out: CliConfig = { source, auths: {}, credHelpers: {} };
  if (raw.auths !== undefined && raw.auths !== null) {
    if (!isObject(raw.auths)) throw bad(`"auths" must be an object, got ${kindOf(raw.auths)}`);
    for (const [registry, entry] of Object.entries(raw.auths)) {
      if (entry === null) continue;
      if (!isObject(entry)) throw bad(`auths[${JSON.stringify(registry)}] must be an object, got ${kindOf(entry)}`);
      const stored: StoredAuth = {};
      for (const field of ['auth', 'username', 'password', 'identitytoken', 'registrytoken'] as const) {
        const v = entry[field];
        if (v === undefined || v === null || v === '') continue;
        if (typeof v !== 'string') throw bad(`auths[${JSON.stringify(registry)}].${field} must be a string, got ${kindOf(v)}`);
        stored[field] = v;
      }
      out.auths[registry] = stored;
    }
  }
  if (raw.credsStore !== undefined && raw.credsStore !== '') {
    if (typeof raw.credsStore !== 'string') throw bad(`"credsStore" must be a string, got ${kindOf(raw.credsStore)}`);
    out.credsStore = raw.credsStore;
  }
  if (raw.credHelpers !== undefined && raw.credHelpers !== null) {
    if (!isObject(raw.credHelpers)) throw bad(`"credHelpers" must be an object, got ${kindOf(raw.credHelpers)}`);
    for (const [registry, helper] of Object.entries(raw.credHelpers)) {
      if (typeof helper !== 'string') throw bad(`credHelpers[${JSON.stringify(registry)}] must be a string, got ${kindOf(helper)}`);
      if (helper !== '') out.credHelpers[registry] = helper;
    }
  }
  if (raw.currentContext !== undefined && raw.currentContext !== '') {
    if (typeof raw.currentContext !== 'string') throw bad(`"currentContext" must be a string, got ${kindOf(raw.currentContext)}`);
    out.currentContext = raw.currentContext;
  }
  return out;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ` at line L column C` for a JSON.parse failure, when V8 reports a position. */
export function jsonErrorPlace(text: string, err: unknown): string {
  const m = /position (\d+)/.exec(String((err as Error)?.message));
  if (!m) return '';
  const before = text.slice(0, Number(m[1])).split('\n');
  return ` at line ${before.length} column ${before[before.length - 1].length + 1}`;
}

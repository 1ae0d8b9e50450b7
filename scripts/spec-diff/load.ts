/**
 * Finding, parsing and normalising a spec. Swagger 2.0 and OpenAPI 3.x are both read into one shape
 * (operations with parameters, request body schema and response schemas; named models) so the differ
 * never has to care which dialect it is looking at. Schemas themselves stay as written: `$ref`s to named
 * models are kept, because the differ reports a model's changes once, under its name.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { SpecInputError } from './errors';
import { isMapping, resolvePointer } from './pointer';
import { readOperations } from './read-operations';

export type Schema = Record<string, any>;

export interface Param {
  name: string;
  in: string;
  required: boolean;
  /** Schema-like view: the Swagger 2.0 parameter itself (type/format/items/enum/default), or OpenAPI 3's `schema`. */
  schema: Schema;
  /** Effective array serialisation (Swagger 2.0 names; OpenAPI 3 style/explode mapped onto them); undefined for non-arrays. */
  collectionFormat?: string;
}

export interface Operation {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  deprecated: boolean;
  /** The operation object as written (its description may mark it deprecated). */
  raw: Schema;
  params: Param[];
  body?: { schema: Schema | undefined; required: boolean };
  /** status code → response body schema (undefined: no body) */
  responses: Record<string, Schema | undefined>;
}

export interface SpecDoc {
  /** How the source is named in reports. */
  label: string;
  format: 'Swagger 2.0' | 'OpenAPI 3';
  /** info.version */
  version: string;
  raw: Schema;
  /** Named models: `definitions` (Swagger 2.0) or `components.schemas` (OpenAPI 3). */
  models: Record<string, Schema>;
  /** JSON pointer prefix of the named models, e.g. `#/definitions/`. */
  modelPrefix: string;
  /** Keyed by `METHOD /path` with path-template names blanked (`/images/{}`), so a renamed template still matches. */
  operations: Map<string, Operation>;
}

const VERSION_ARG = /^v?(\d+\.\d+)$/;

export interface SpecDirs {
  /** Searched first for `docker-engine-v<version>.yaml`. */
  openapiDir: string;
  /** Searched second (the shared spec store). */
  sharedDir: string;
  /** File paths are relative to this (default: the process's cwd). */
  cwd?: string;
}

/**
 * The directory the user typed relative paths in. `npm run` starts scripts in the package root, so for our
 * own npm scripts that is INIT_CWD (where npm was run), not process.cwd().
 */
export function userCwd(script: string): string {
  const env = process.env;
  return env.npm_lifecycle_event === script && env.INIT_CWD ? env.INIT_CWD : process.cwd();
}

/** `1.54` / `v1.54` → the spec file for that API version; anything else is a file path (relative to cwd). */
export function resolveSpecArg(arg: string, dirs: SpecDirs): string {
  const m = VERSION_ARG.exec(arg);
  if (!m) return resolve(dirs.cwd ?? process.cwd(), arg);
  const name = `docker-engine-v${m[1]}.yaml`;
  const candidates = [join(dirs.openapiDir, name), join(dirs.sharedDir, name)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new SpecInputError(`no spec for API version ${m[1]}: neither ${candidates.map(display).join(' nor ')} exists`);
  }
  return found;
}

/** A path as a person would type it from the current directory. */
export function display(p: string): string {
  const rel = relative(process.cwd(), p);
  // Relative when near (`openapi/…`, `../shared/specs/…`), absolute when far away (temp dirs).
  return rel && !isAbsolute(rel) && !rel.startsWith(`..${sep}..${sep}`) ? rel : p;
}

export function readSpecText(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new SpecInputError(`${display(path)}: no such file`);
  }
  if (!st.isFile()) throw new SpecInputError(`${display(path)}: not a file`);
  return readFileSync(path, 'utf8');
}

export function parseSpec(text: string, label: string): SpecDoc {
  let raw: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    raw = yaml.load(text, { filename: label });
  } catch (err) {
    const e = err as { reason?: string; mark?: { line: number; column: number }; message: string };
    const where = e.mark ? ` at line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '';
    throw new SpecInputError(`${label}: not valid YAML or JSON (${e.reason ?? e.message.split('\n')[0]}${where})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SpecInputError(`${label}: not a Swagger/OpenAPI document (the top level is not a mapping)`);
  }
  const doc = raw as Schema;
  let format: SpecDoc['format'];
  if (String(doc.swagger) === '2.0') format = 'Swagger 2.0';
  else if (typeof doc.openapi === 'string' && /^3\.\d/.test(doc.openapi)) format = 'OpenAPI 3';
  else throw new SpecInputError(`${label}: not a Swagger/OpenAPI document (no \`swagger: "2.0"\` or \`openapi: 3.x\` field)`);
  if (doc.paths !== undefined && !isMapping(doc.paths)) throw new SpecInputError(`${label}: \`paths\` is not a mapping`);
  checkRefs(doc, label);

  const modelPrefix = format === 'Swagger 2.0' ? '#/definitions/' : '#/components/schemas/';
  const models = (format === 'Swagger 2.0' ? doc.definitions : doc.components?.schemas) ?? {};
  if (!isMapping(models)) throw new SpecInputError(`${label}: ${modelPrefix.slice(2, -1)} is not a mapping`);
  return {
    label,
    format,
    version: String(doc.info?.version ?? '?'),
    raw: doc,
    models,
    modelPrefix,
    operations: readOperations(doc, format, label),
  };
}

export function loadSpec(path: string, label = display(path)): SpecDoc {
  return parseSpec(readSpecText(path), label);
}

/**
 * Every `$ref` in the document must resolve locally, checked up front so a broken spec is rejected with the
 * ref's name and place instead of producing a half-right diff. Shared nodes (YAML aliases) are visited once.
 */
function checkRefs(doc: Schema, label: string): void {
  const seen = new WeakSet<object>();
  const walk = (node: unknown, at: string): void => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, `${at}/${i}`));
      return;
    }
    for (const [k, v] of Object.entries(node)) {
      const here = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (k === '$ref' && typeof v === 'string') {
        if (!v.startsWith('#')) throw new SpecInputError(`${label}: external $ref "${v}" at ${here || '/'} is not supported (only local #/… refs)`);
        if (resolvePointer(doc, v) === undefined) throw new SpecInputError(`${label}: unresolvable $ref "${v}" at ${here}`);
      } else walk(v, here);
    }
  };
  walk(doc, '');
}

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

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
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

function isMapping(v: unknown): v is Schema {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Resolve a local JSON pointer (`#/a/b~1c`); undefined when it points nowhere. */
export function resolvePointer(doc: Schema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const parts = ref.slice(1).split('/').slice(1);
  let cur: unknown = doc;
  for (const part of parts) {
    const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Schema)[key];
  }
  return cur;
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

/** Follow `$ref`s of non-schema objects (parameters, responses, request bodies); refs were validated on load. */
export function deref(doc: Schema, node: unknown): Schema | undefined {
  let cur = node;
  for (let hops = 0; isMapping(cur) && typeof cur.$ref === 'string'; hops++) {
    if (hops > 100) throw new SpecInputError(`$ref chain too long or cyclic at "${cur.$ref}"`);
    cur = resolvePointer(doc, cur.$ref);
  }
  return isMapping(cur) ? cur : undefined;
}

export function templateKey(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

function readOperations(doc: Schema, format: SpecDoc['format'], label: string): Map<string, Operation> {
  const ops = new Map<string, Operation>();
  for (const [path, item0] of Object.entries(doc.paths ?? {})) {
    const item = deref(doc, item0);
    if (!item) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isMapping(op)) continue;
      const key = `${method.toUpperCase()} ${templateKey(path)}`;
      if (ops.has(key)) throw new SpecInputError(`${label}: ${method.toUpperCase()} ${path} is declared twice (path templates differ only in names)`);
      // Operation-level parameters override path-level ones with the same name+in.
      const byKey = new Map<string, Schema>();
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const r = deref(doc, p);
        if (r && typeof r.name === 'string') byKey.set(`${r.in}:${r.name}`, r);
      }
      const params: Param[] = [];
      let body: Operation['body'];
      for (const p of byKey.values()) {
        if (p.in === 'body') body = { schema: p.schema, required: p.required === true };
        else params.push(format === 'Swagger 2.0' ? swaggerParam(p) : openapiParam(p, doc));
      }
      if (format === 'OpenAPI 3' && op.requestBody) {
        const rb = deref(doc, op.requestBody);
        if (rb) body = { schema: pickContentSchema(rb.content), required: rb.required === true };
      }
      const responses: Operation['responses'] = {};
      for (const [code, r0] of Object.entries(isMapping(op.responses) ? op.responses : {})) {
        const r = deref(doc, r0);
        responses[code] = format === 'Swagger 2.0' ? r?.schema : pickContentSchema(r?.content);
      }
      ops.set(key, {
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        summary: op.summary,
        deprecated: op.deprecated === true || op['x-deprecated'] === true,
        raw: op,
        params,
        body,
        responses,
      });
    }
  }
  return ops;
}

function swaggerParam(p: Schema): Param {
  return {
    name: p.name,
    in: String(p.in),
    required: p.required === true,
    schema: p,
    // Swagger 2.0: an array parameter without collectionFormat is csv.
    collectionFormat: p.type === 'array' ? (p.collectionFormat ?? 'csv') : undefined,
  };
}

function openapiParam(p: Schema, doc: Schema): Param {
  const schema: Schema = p.schema ?? pickContentSchema(p.content) ?? {};
  const resolved = deref(doc, schema) ?? {};
  let collectionFormat: string | undefined;
  if (resolved.type === 'array') {
    const style = p.style ?? (p.in === 'query' || p.in === 'cookie' ? 'form' : 'simple');
    const explode = p.explode ?? style === 'form';
    collectionFormat =
      style === 'form' ? (explode ? 'multi' : 'csv') : style === 'spaceDelimited' ? 'ssv' : style === 'pipeDelimited' ? 'pipes' : style === 'simple' ? 'csv' : style;
  }
  return {
    name: p.name,
    in: String(p.in),
    required: p.required === true,
    // Description and deprecation live on the parameter in OpenAPI 3; fold them into the schema view so the
    // schema comparison sees them exactly as it does for Swagger 2.0 parameters.
    schema: {
      ...schema,
      ...(p.description !== undefined ? { description: p.description } : {}),
      ...(p.deprecated === true || p['x-deprecated'] === true ? { 'x-deprecated': true } : {}),
    },
    collectionFormat,
  };
}

/**
 * OpenAPI 3 content map → the schema to compare: application/json's if it has one, else the first media type
 * (by name) that has a schema. Media types carrying only examples are skipped.
 */
function pickContentSchema(content: unknown): Schema | undefined {
  if (!isMapping(content)) return undefined;
  const withSchema = Object.keys(content)
    .filter((t) => isMapping(content[t]) && isMapping(content[t].schema))
    .sort();
  const chosen = withSchema.includes('application/json') ? 'application/json' : withSchema[0];
  return chosen === undefined ? undefined : content[chosen].schema;
}

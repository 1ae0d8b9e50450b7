/**
 * The recorded engine answers (test/helpers/conformance-recorder.ts → JSONL) validated against the OpenAPI 3
 * document generation produces (scripts/generate.ts convertPinned), with ajv: every 2xx JSON answer is checked
 * against its operation's response schema and each mismatch is reduced to where in the spec it is (the schema
 * path through `$ref`s, so one defect seen in many answers is one finding).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import type { RecordedResponse } from '../../src/api/recorder';

/** One line of a recording: what the client's recorder saw, and the test file that made it. */
export interface Recorded extends RecordedResponse {
  suite?: string;
}

/** One defect, as found: an operation, a place in the spec's schemas, what is wrong there. */
export interface Finding {
  engine: string;
  operationId: string;
  /**
   * Where in the spec: the named schema owning the field and the path from it (`ImageSummary.RepoDigests`,
   * `HostConfig.Binds`, `EndpointSettings.Links`), or the operation's inline schema (`ContainerWait.Error`).
   */
  where: string;
  keyword: string;
  message: string;
  /** One instance of it in an answer (`/0/RepoDigests`) and the value there, and a test that saw it. */
  example: { path: string; value: string; suite?: string };
}

export interface Observed {
  engine: string;
  operationId: string;
  responses: number;
  /** Answers whose status has no JSON schema in the spec (counted, not validated). */
  unschematized: number;
}

/** `Docker/20.10.24+dfsg1 (linux)` → `dockerd 20.10.24+dfsg1`; `Libpod/4.3.1 (linux)` → `podman 4.3.1`; others (test fakes) undefined. */
export function engineOf(server: string | null, apiVersion: string | null): string | undefined {
  const m = /^(Docker|Libpod)\/(\S+)/.exec(server ?? '');
  if (!m) return undefined;
  return `${m[1] === 'Docker' ? 'dockerd' : 'podman'} ${m[2]} (API ${apiVersion ?? '?'})`;
}

export function readRecords(dir: string): Recorded[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Recorded),
    );
}

interface Schema {
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

type OpenApi = { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>>; components?: { schemas?: Record<string, Schema> } };

const SPEC_ID = 'spec';

export class Validator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly cache = new Map<string, ValidateFunction | null>();
  private readonly doc: OpenApi;
  private readonly absolute: OpenApi;

  constructor(openapi: object) {
    // Local refs (`#/components/schemas/X`) made absolute, so each response schema compiles on its own.
    this.doc = openapi as OpenApi;
    const absolute = nullableForAjv(JSON.parse(JSON.stringify(openapi).replaceAll('"#/components/', `"${SPEC_ID}#/components/`))) as OpenApi;
    this.absolute = absolute;
    this.ajv.addSchema({ components: absolute.components }, SPEC_ID);
  }

  operationId(method: string, schemaPath: string): string | undefined {
    return this.doc.paths[schemaPath]?.[method.toLowerCase()]?.operationId;
  }

  private responseSchema(method: string, schemaPath: string, status: number, doc = this.doc): Schema | undefined {
    const responses = doc.paths[schemaPath]?.[method.toLowerCase()]?.responses ?? {};
    const content = (responses[String(status)] ?? responses.default)?.content ?? {};
    const type = Object.keys(content).find((t) => /json/.test(t));
    return type ? (content[type].schema as Schema) : undefined;
  }

  /** The validator for one operation's answer with `status`, or null when the spec gives it no JSON schema. */
  private validatorFor(method: string, schemaPath: string, status: number): ValidateFunction | null {
    const key = `${method} ${schemaPath} ${status}`;
    if (!this.cache.has(key)) {
      const schema = this.responseSchema(method, schemaPath, status, this.absolute);
      this.cache.set(key, schema ? this.ajv.compile(schema) : null);
    }
    return this.cache.get(key)!;
  }

  /** Walk `pointer` (an answer's instance path) through `schema`: the last named schema entered and the fields after it. */
  locate(schema: Schema | undefined, operationId: string, pointer: string): string {
    let owner = operationId;
    let fields: string[] = [];
    let s = schema;
    const deref = (x: Schema | undefined): Schema | undefined => {
      while (x?.$ref) {
        owner = x.$ref.split('/').pop()!;
        fields = [];
        x = this.doc.components?.schemas?.[owner];
      }
      return x;
    };
    const property = (x: Schema | undefined, name: string): Schema | undefined => {
      x = deref(x);
      if (!x) return undefined;
      if (x.properties?.[name]) return x.properties[name];
      for (const part of [...(x.allOf ?? []), ...(x.oneOf ?? []), ...(x.anyOf ?? [])]) {
        const saved = [owner, fields] as const;
        const found = property(part, name);
        if (found) return found;
        [owner, fields] = [saved[0], [...saved[1]]];
      }
      return undefined;
    };
    for (const seg of pointer.split('/').slice(1)) {
      s = deref(s);
      if (/^\d+$/.test(seg) && s?.items) {
        s = s.items;
        fields.push('[]');
      } else if (s?.properties?.[seg] || s?.allOf || s?.oneOf || s?.anyOf) {
        s = property(s, seg);
        fields.push(seg);
      } else if (s && typeof s.additionalProperties === 'object') {
        s = s.additionalProperties;
        fields.push('*');
      } else {
        fields.push(seg);
        s = undefined;
      }
    }
    return [owner, ...fields].join('.').replaceAll('.[]', '[]');
  }

  /** Validate every engine answer; answers from test fakes (no engine `Server` header) are skipped. */
  run(records: Recorded[]): { observed: Observed[]; findings: Finding[] } {
    const observed = new Map<string, Observed>();
    const findings = new Map<string, Finding>();
    for (const r of records) {
      const engine = engineOf(r.server, r.apiVersion);
      if (!engine) continue;
      const operationId = this.operationId(r.method, r.schemaPath) ?? `${r.method} ${r.schemaPath}`;
      const obs = observed.get(`${engine}\0${operationId}`) ?? { engine, operationId, responses: 0, unschematized: 0 };
      observed.set(`${engine}\0${operationId}`, obs);
      obs.responses++;
      const validate = this.validatorFor(r.method, r.schemaPath, r.status);
      if (!validate) {
        obs.unschematized++;
        continue;
      }
      if (validate(r.body)) continue;
      for (const e of validate.errors ?? []) {
        const where = this.locate(this.responseSchema(r.method, r.schemaPath, r.status), operationId, e.instancePath);
        const key = `${engine}\0${operationId}\0${where}\0${e.keyword}`;
        if (findings.has(key)) continue;
        findings.set(key, {
          engine,
          operationId,
          where,
          keyword: e.keyword,
          message: e.message ?? e.keyword,
          example: { path: e.instancePath || '/', value: JSON.stringify(valueAt(r.body, e.instancePath))?.slice(0, 80) ?? 'undefined', suite: r.suite },
        });
      }
    }
    return { observed: [...observed.values()], findings: [...findings.values()] };
  }
}

function valueAt(body: unknown, pointer: string): unknown {
  let v = body;
  for (const seg of pointer.split('/').slice(1)) {
    v = (v as Record<string, unknown> | undefined)?.[seg.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return v;
}

/**
 * OpenAPI 3.0 `nullable: true` next to `type` is understood by ajv; next to `allOf`/`$ref` only (a nullable
 * reference, overlay-nullable.ts) it is not — there it becomes `anyOf: [the schema, null]`, its meaning.
 */
function nullableForAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableForAjv);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableForAjv(v)])) as Record<string, unknown>;
  if (out.nullable === true && out.type === undefined) {
    const { nullable, ...rest } = out;
    void nullable;
    return { anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

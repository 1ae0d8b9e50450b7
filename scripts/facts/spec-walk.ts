/**
 * Reading one Swagger 2.0 document the way the version facts need it: operations by operationId with their
 * query/header parameters (and a signature of each parameter's wire type), and every field of their request
 * and response bodies as a dotted path (`HostConfig.Annotations`, `Mounts[].VolumeOptions`, `Labels.*`),
 * each with the schema node that declares it so a description can be attached to it. Pure, no I/O.
 */

export type Schema = Record<string, any>;
export type Doc = { paths?: Record<string, Record<string, any>>; definitions?: Record<string, Schema>; [k: string]: unknown };

export interface WalkParam {
  name: string;
  in: 'query' | 'header';
  /** The parameter object itself (its description is where JSDoc comes from). */
  node: Schema;
  /** Wire type: `string`, `boolean`, `integer/int64`, `array<string>:multi`, … (collectionFormat default csv). */
  signature: string;
}

export interface WalkOperation {
  operationId: string;
  /** The operation object as written (its description is where JSDoc comes from). */
  node: Schema;
  method: string;
  path: string;
  params: WalkParam[];
  pathParams: string[];
  /** Request-body field path → the property's schema node as written (may be a `$ref`). */
  body: Map<string, Schema>;
  /** The same for the 2xx response bodies. */
  response: Map<string, Schema>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Sort order that is the same on every machine (localeCompare depends on the locale). */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function resolveRef(doc: Doc, ref: string): Schema | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const part of ref.slice(2).split('/')) cur = (cur as Schema | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur as Schema | undefined;
}

export function signature(p: Schema): string {
  const t = p.type === 'array' ? `array<${p.items ? signature(p.items) : '?'}>:${p.collectionFormat ?? 'csv'}` : String(p.type ?? 'schema');
  return p.format && p.type !== 'array' ? `${t}/${p.format}` : t;
}

/**
 * Every property under `schema`, depth first. `$ref` cycles stop at the second visit of a model on the same
 * branch; a model reached twice on different branches is walked twice (its paths differ).
 */
function walkSchema(doc: Doc, schema: Schema | undefined, prefix: string, out: Map<string, Schema>, stack: string[]): void {
  if (!schema || typeof schema !== 'object') return;
  if (typeof schema.$ref === 'string') {
    if (stack.includes(schema.$ref)) return;
    stack.push(schema.$ref);
    walkSchema(doc, resolveRef(doc, schema.$ref), prefix, out, stack);
    stack.pop();
    return;
  }
  for (const part of schema.allOf ?? []) walkSchema(doc, part, prefix, out, stack);
  for (const [name, sub] of Object.entries<Schema>(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (!out.has(path)) out.set(path, sub);
    walkSchema(doc, sub, path, out, stack);
  }
  if (schema.items) walkSchema(doc, schema.items, `${prefix}[]`, out, stack);
  // A map (or an object with no documented properties) gets a `*` entry, so a later spec that names its
  // fields can be told apart from one that adds them.
  const star = prefix ? `${prefix}.*` : '*';
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    if (!out.has(star)) out.set(star, schema.additionalProperties);
    walkSchema(doc, schema.additionalProperties, star, out, stack);
  } else if (schema.type === 'object' && !schema.properties && !schema.allOf && schema.additionalProperties !== false && !out.has(star)) {
    out.set(star, {});
  }
}

/** The operations of a Swagger 2.0 document, sorted by operationId. */
export function walkOperations(doc: Doc): WalkOperation[] {
  const ops: WalkOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op?.operationId) continue;
      const raw = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p: Schema) => (typeof p.$ref === 'string' ? resolveRef(doc, p.$ref) ?? p : p));
      const params: WalkParam[] = [];
      const body = new Map<string, Schema>();
      const response = new Map<string, Schema>();
      for (const p of raw) {
        if (p.in === 'query' || p.in === 'header') params.push({ name: p.name, in: p.in, node: p, signature: signature(p) });
        if (p.in === 'body') walkSchema(doc, p.schema, '', body, []);
      }
      for (const code of Object.keys(op.responses ?? {}).sort()) {
        if (/^2\d\d$/.test(code)) walkSchema(doc, op.responses[code]?.schema, '', response, []);
      }
      const pathParams = raw.filter((p) => p.in === 'path').map((p) => String(p.name));
      ops.push({ operationId: op.operationId, node: op, method, path, params, pathParams, body, response });
    }
  }
  return ops.sort((a, b) => byCodeUnit(a.operationId, b.operationId));
}

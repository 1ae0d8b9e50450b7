/**
 * The operations of a Swagger 2.0 or OpenAPI 3 document in one shape: parameters (path-level ones merged,
 * operation-level ones winning), request body schema, response schemas. Keyed by `METHOD /path` with the
 * path template's names blanked, so a renamed template still matches.
 */
import { SpecInputError } from './errors';
import type { Operation, Param, Schema, SpecDoc } from './load';
import { deref, isMapping } from './pointer';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function templateKey(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

export function readOperations(doc: Schema, format: SpecDoc['format'], label: string): Map<string, Operation> {
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

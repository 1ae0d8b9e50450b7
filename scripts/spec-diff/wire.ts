/**
 * What an operation promises besides its schemas: the media types it produces and consumes (1.42's
 * `application/vnd.docker.multiplexed-stream`, 1.53's `application/jsonl` on /events) and the headers of its
 * responses (1.42's `Swarm` on /_ping). Swagger 2.0 and OpenAPI 3 are read into the same shape.
 */
import type { Change } from './changes';
import type { Operation, Schema, SpecDoc } from './load';
import { deref } from './pointer';
import type { SchemaDiffer } from './schema';
import { typeOf } from './types';

export interface Wire {
  produces: string[];
  consumes: string[];
  /** status code → lower-cased header name → { name as written, schema-like view } */
  headers: Map<string, Map<string, { name: string; schema: Schema }>>;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? [...new Set(v.filter((x): x is string => typeof x === 'string'))].sort() : []);
const contentTypes = (content: unknown): string[] => (content && typeof content === 'object' ? Object.keys(content) : []);

export function wireOf(doc: SpecDoc, op: Operation): Wire {
  const raw = op.raw;
  const swagger = doc.format === 'Swagger 2.0';
  const responses = Object.entries(raw.responses && typeof raw.responses === 'object' ? raw.responses : {}).map(([code, r]) => [code, deref(doc.raw, r)] as const);
  // An operation that takes no body consumes nothing, whatever the document-wide default says.
  const takesBody = op.body !== undefined || op.params.some((p) => p.in === 'formData');
  // OpenAPI 3 media types are per response; Swagger 2.0's `produces` describes the operation's answer, which
  // converters carry onto error responses too, so only non-error responses count.
  const answers = responses.filter(([code]) => /^[123]/.test(code));
  const produces = swagger ? strings(raw.produces ?? doc.raw.produces) : strings(answers.flatMap(([, r]) => contentTypes(r?.content)));
  const consumes = !takesBody ? [] : swagger ? strings(raw.consumes ?? doc.raw.consumes) : strings(contentTypes(deref(doc.raw, raw.requestBody)?.content));
  const headers: Wire['headers'] = new Map();
  for (const [code, r] of responses) {
    if (!r?.headers || typeof r.headers !== 'object') continue;
    const byName = new Map<string, { name: string; schema: Schema }>();
    for (const [name, h0] of Object.entries(r.headers as Record<string, unknown>)) {
      const h = deref(doc.raw, h0);
      if (!h) continue;
      // OpenAPI 3 keeps the type in `schema`; fold description/deprecation in as for parameters.
      const schema = swagger ? h : { ...(h.schema ?? {}), ...(h.description !== undefined ? { description: h.description } : {}), ...(h.deprecated ? { 'x-deprecated': true } : {}) };
      byName.set(name.toLowerCase(), { name, schema });
    }
    headers.set(code, byName);
  }
  return { produces, consumes, headers };
}

export function diffWire(d: SchemaDiffer, o: Operation, n: Operation, out: Change[]): void {
  const wo = wireOf(d.oldDoc, o);
  const wn = wireOf(d.newDoc, n);
  // Swagger 2.0 declares media types per operation, OpenAPI 3 per response (and only where a body is
  // described), so across dialects they differ by construction: compared only within one dialect.
  const media = d.oldDoc.format === d.newDoc.format ? (['produces', 'consumes'] as const) : [];
  for (const name of media) {
    const added = wn[name].filter((t) => !wo[name].includes(t));
    const removed = wo[name].filter((t) => !wn[name].includes(t));
    if (added.length) out.push({ scope: 'operation', name, path: '', kind: 'media-types-added', values: added });
    if (removed.length) out.push({ scope: 'operation', name, path: '', kind: 'media-types-removed', values: removed });
  }
  for (const status of [...new Set([...wo.headers.keys(), ...wn.headers.keys()])].sort()) {
    // A response that is itself new or gone is reported as such; its headers come with it.
    if (!(status in o.responses) || !(status in n.responses)) continue;
    const ho = wo.headers.get(status) ?? new Map();
    const hn = wn.headers.get(status) ?? new Map();
    for (const key of [...new Set([...ho.keys(), ...hn.keys()])].sort()) {
      const a = ho.get(key);
      const b = hn.get(key);
      const at = { scope: 'response-header' as const, status, name: (b ?? a)!.name, path: '' };
      if (!a && b) out.push({ ...at, kind: 'added', type: typeOf(d.newDoc, b.schema) });
      else if (a && !b) out.push({ ...at, kind: 'removed', type: typeOf(d.oldDoc, a.schema) });
      else if (a && b) d.compare(a.schema, b.schema, at);
    }
  }
}

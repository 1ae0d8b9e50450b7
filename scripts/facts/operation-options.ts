/**
 * The options each operation accepts, from the pinned spec: query parameter names with their primitive wire
 * type, header names and path parameter names. The high-level layer uses it to refuse an unknown or misspelt
 * option key and a value of the wrong primitive type before anything is sent (a JavaScript caller's
 * `{ tags: 'x' }` to build), instead of letting the engine ignore it. Pure, no I/O.
 */
import { walkOperations, type Doc, type Schema } from './spec-walk';

/** `json-string`: a string parameter whose content is JSON (filters, buildargs, a platform object). */
export type OptionType = 'string' | 'boolean' | 'integer' | 'number' | 'json-string';

export interface QueryOption {
  type: OptionType | 'array';
  /** Element type of an array parameter. */
  items?: OptionType;
  required?: true;
}

export interface OperationOptions {
  path: string[];
  query: Record<string, QueryOption>;
  header: string[];
}

const JSON_TEXT = /\bJSON[- ]encoded\b|\bencoded as (a )?JSON\b|\bJSON (array|map|object|string)\b|\bstringified JSON\b/i;

function primitive(p: Schema, description: string): OptionType {
  const t = String(p.type);
  if (t === 'boolean' || t === 'integer' || t === 'number') return t;
  // base64-encoded JSON (X-Registry-Config) is opaque text to the caller, not JSON.
  return JSON_TEXT.test(description) && !/base64/i.test(description) ? 'json-string' : 'string';
}

export function operationOptions(doc: Doc): Record<string, OperationOptions> {
  const out: Record<string, OperationOptions> = {};
  for (const op of walkOperations(doc)) {
    const query: Record<string, QueryOption> = {};
    const header: string[] = [];
    for (const p of op.params) {
      if (p.in === 'header') {
        header.push(p.name);
        continue;
      }
      const description = String(p.node.description ?? '');
      const option: QueryOption =
        p.node.type === 'array' ? { type: 'array', items: primitive(p.node.items ?? {}, description) } : { type: primitive(p.node, description) };
      if (p.node.required) option.required = true;
      query[p.name] = option;
    }
    out[op.operationId] = { path: op.pathParams, query, header };
  }
  return out;
}

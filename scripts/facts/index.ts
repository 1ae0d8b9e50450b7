/**
 * Facts derived from the spec history, for scripts/generate.ts: the generated fact tables, and `@since`
 * tags for the pinned document's descriptions (added before openapi-typescript runs, so the generated JSDoc
 * of each parameter, field and operation newer than the floor says when it arrived).
 */
import { extractFilterKeys, filterKeyHistory } from './filter-keys';
import { operationOptions } from './operation-options';
import { renderApiSince, renderFilterKeys, renderOperationOptions } from './render';
import { computeSince, type SpecVersion } from './since';
import type { Schema } from './spec-walk';

export interface Facts {
  files: Record<string, string>;
  /** Nodes of the pinned document → version for their `@since` tag. */
  jsdoc: Map<Schema, string>;
}

/** `history`: oldest first, the pinned document last (see history.ts). Reads the documents, never changes them. */
export function specFacts(history: SpecVersion[]): Facts {
  const pinned = history[history.length - 1];
  const since = computeSince(history);
  const fixes: string[] = [];
  const keys = history.map(({ version, doc }) => ({ version, keys: extractFilterKeys(doc, doc === pinned.doc ? fixes : undefined) }));
  return {
    files: {
      'api-since.ts': renderApiSince(since),
      'filter-keys.ts': renderFilterKeys(filterKeyHistory(keys), since.floor, fixes),
      'operation-options.ts': renderOperationOptions(operationOptions(pinned.doc)),
    },
    jsdoc: since.jsdoc,
  };
}

/** Append `@since 1.NN` to each node's description (idempotent: a node that already says it is left alone). */
export function injectSince(jsdoc: Map<Schema, string>): number {
  let n = 0;
  for (const [node, version] of jsdoc) {
    const tag = `@since ${version}`;
    // Siblings of a `$ref` are ignored, so a reference gets wrapped: `allOf: [{ $ref }]` is the same type.
    // Its `x-nullable` sibling was ignored too and stays without effect: types change only in the overlay.
    if (typeof node.$ref === 'string') {
      node.allOf = [{ $ref: node.$ref }];
      delete node.$ref;
      delete node['x-nullable'];
    }
    const description = typeof node.description === 'string' ? node.description.trimEnd() : '';
    if (description.includes(tag)) continue;
    node.description = description ? `${description}\n\n${tag}` : tag;
    n++;
  }
  return n;
}

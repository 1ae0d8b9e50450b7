/**
 * The pinned spec as generation reads it, without the TypeScript step: js-yaml → overlay fixes → version facts
 * → swagger2openapi. Kept apart from generate.ts (which adds openapi-typescript, an ES module jest cannot load)
 * so the conformance check and its tests can have the very OpenAPI 3 document the types come from.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { injectSince, specFacts } from './facts';
import { loadHistory } from './facts/history';
import type { Doc } from './facts/spec-walk';
import { applyOverlay } from './overlay';

// swagger2openapi ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const swagger2openapi = require('swagger2openapi') as {
  convertObj(spec: object, opts: object): Promise<{ openapi: Record<string, unknown> }>;
};

const ROOT = resolve(__dirname, '..');
/** The shared spec store: every released spec, the history the version facts are computed from. */
export const SPEC_HISTORY = join(ROOT, '..', 'shared', 'specs');

export interface Pinned {
  version: string;
  file: string;
}

export function readPinned(openapiDir = join(ROOT, 'openapi')): Pinned & { path: string; sha256: string } {
  const pinned = JSON.parse(readFileSync(join(openapiDir, 'pinned.json'), 'utf8')) as Pinned;
  const path = join(openapiDir, pinned.file);
  const recorded = readFileSync(`${path}.sha256`, 'utf8').trim().split(/\s+/)[0];
  return { ...pinned, path, sha256: recorded };
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The pinned spec as generation sees it: overlay applied, `@since` tags added, converted to OpenAPI 3 — the
 * document the types are generated from (the conformance check validates engine answers against its schemas).
 */
export async function convertPinned(openapiDir = join(ROOT, 'openapi'), historyDir = SPEC_HISTORY) {
  const pinned = readPinned(openapiDir);
  const raw = readFileSync(pinned.path);
  const actual = sha256(raw);
  if (actual !== pinned.sha256) {
    throw new Error(`${pinned.file}: sha256 ${actual} does not match the recorded ${pinned.sha256}; the pinned spec must stay unmodified`);
  }
  const swagger = yaml.load(raw.toString('utf8')) as Record<string, any>;
  const applied = applyOverlay(swagger);
  const version = String(swagger.info?.version ?? pinned.version);
  const facts = specFacts(loadHistory(historyDir, { version, doc: swagger as Doc }));
  injectSince(facts.jsdoc);
  const { openapi } = await swagger2openapi.convertObj(swagger, { patch: true, warnOnly: true, resolve: false });
  return { openapi, applied, version, facts, pinned, actual };
}


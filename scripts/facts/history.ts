/**
 * The spec history the version facts are computed from: every `docker-engine-v1.NN.yaml` of the shared spec
 * store (../shared/specs) up to the pinned version, oldest first, with the pinned document itself last (the
 * pin is authoritative for its own version). Newer specs — an unreleased one — are left out; see
 * since-exceptions.ts for why. Each file is parsed once and gets the same overlay fixes as the pinned spec.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { applyOverlay } from '../overlay';
import { cmp as byVersion, type SpecVersion } from './since';
import type { Doc } from './spec-walk';

const FILE = /^docker-engine-v(\d+)\.(\d+)\.yaml$/;

export function loadHistory(dir: string, pinned: SpecVersion): SpecVersion[] {
  if (!existsSync(dir)) {
    throw new Error(`the spec history ${dir} does not exist; version facts (generated/api-since.ts) are computed from it`);
  }
  const out: SpecVersion[] = [];
  for (const name of readdirSync(dir)) {
    const m = FILE.exec(name);
    if (!m) continue;
    const version = `${m[1]}.${m[2]}`;
    if (byVersion(version, pinned.version) >= 0) continue;
    const doc = yaml.load(readFileSync(join(dir, name), 'utf8')) as Doc;
    applyOverlay(doc as Parameters<typeof applyOverlay>[0]);
    out.push({ version, doc });
  }
  out.sort((a, b) => byVersion(a.version, b.version));
  out.push(pinned);
  return out;
}

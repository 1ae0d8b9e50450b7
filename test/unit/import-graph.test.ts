/**
 * src/ is layered: a folder may import only from folders below it, never from a sibling or one above, and no
 * module may reach itself through its imports (type-only and dynamic imports count: they are still coupling).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../../src');
/** Lowest first; folders on one rank are siblings and must not import each other. `.` is src/ itself. */
// cli-config (the docker CLI's config.json and context store) reads endpoints (transport) and is read by registry.
// containers sits above exec: its exec() convenience drives docker.exec.
const RANKS: Record<string, number> = { core: 0, transport: 1, api: 2, 'cli-config': 2, streams: 3, bodies: 3, registry: 3, images: 4, builder: 4, system: 4, volumes: 4, networks: 4, exec: 4, containers: 5, '.': 6 };
const IMPORT = /(?:^|[\s;])(?:import|export)\s(?:[^'"]*?\sfrom\s)?['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}
const folderOf = (file: string): string => (relative(SRC, file).includes('/') ? relative(SRC, file).split('/')[0] : '.');

const graph = new Map<string, string[]>();
for (const file of sources(SRC)) {
  const targets = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => resolve(dirname(file), (m[1] ?? m[2]).replace(/\.js$/, '.ts')));
  graph.set(file, targets.filter((t) => t.startsWith(SRC + '/')));
}

test('every folder of src/ has a rank', () => {
  expect([...new Set([...graph.keys()].map(folderOf))].filter((f) => RANKS[f] === undefined)).toEqual([]);
});

test('no folder imports a sibling or a higher folder', () => {
  const violations = [...graph].flatMap(([from, tos]) =>
    tos.filter((to) => folderOf(to) !== folderOf(from) && RANKS[folderOf(to)] >= RANKS[folderOf(from)]).map((to) => `${relative(SRC, from)} → ${relative(SRC, to)}`),
  );
  expect(violations).toEqual([]);
});

test('no import cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const to of graph.get(file) ?? []) visit(to, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
  expect(graph.size).toBeGreaterThan(30); // the walk found the sources
});

/**
 * Import cost (issue 13): loading the package must not load what only some operations need — @balena/dockerignore
 * (directory contexts), @bufbuild/protobuf (BuildKit traces and sessions), node:child_process (ssh and credential
 * helpers), node:zlib, node:fs/promises. Each must load on its feature's first use instead; tar-stream and streamx
 * (no longer runtime dependencies, only the tests' tar oracle) never load. Checked on the bundles, bundled exactly as `npm run build` bundles them
 * (scripts/bundle.ts) but into a scratch directory, so that this test does not race the tests that build dist/.
 *
 * One node process per format and feature: built-ins loaded are read from `process.moduleLoadList`, packages from
 * `require.cache` (CommonJS ones, also when imported from ESM) and from a resolve hook (ES modules); undici's own
 * files are named too (`undici/lib/…`).
 *
 * undici's Pool (and node:http2, node:tls and node:crypto, which its HTTP/2 client loads) loads with the first
 * request that needs it — a connection upgrade, ssh — not with the package (src/transport/pools.ts); calls (the
 * call pool, src/transport/call-pool.ts) and stream-lane requests (a connection each, download.ts) never load it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundle } from '../scripts/bundle';

const ROOT = resolve(__dirname, '..');
const HEAVY = ['tar-stream', 'streamx', '@balena/dockerignore', '@bufbuild/protobuf', 'node:child_process', 'node:zlib', 'node:fs/promises'];
/** What the first pooled request loads. */
const POOL = ['undici/lib/dispatcher/pool.js', 'undici/lib/api/api-request.js', 'node:http2', 'node:tls', 'node:crypto'];

const HOOK = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}`;

// argv: format, bundle file, feature, scratch directory. Prints what the entry and then the feature loaded.
const PROBE = `
import { createRequire, register } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const [format, file, feature, scratch] = process.argv.slice(1);
const log = join(scratch, 'resolved-' + process.pid);
writeFileSync(log, '');
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOK)}), import.meta.url, { data: { log } });
const req = createRequire(import.meta.url);
const loaded = () => {
  const builtins = process.moduleLoadList.filter((m) => /^NativeModule (?!internal\\/)/.test(m)).map((m) => 'node:' + m.slice(13));
  const files = [...Object.keys(req.cache), ...readFileSync(log, 'utf8').split('\\n')];
  const packages = files.map((f) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(f)?.[1]).filter(Boolean);
  const undiciFiles = files.map((f) => /node_modules\\/(undici\\/lib\\/.*)$/.exec(f)?.[1]).filter(Boolean);
  return new Set([...builtins, ...packages, ...undiciFiles]);
};
const before = loaded();
const m = format === 'cjs' ? req(file) : await import(file);
const atLoad = loaded();
const features = {
  client: async () => {
    const docker = new m.DockerClient({ socketPath: join(scratch, 'no-engine.sock'), apiVersion: '1.41' });
    await docker.system.ping().catch(() => {});
    await docker.images.list().catch(() => {});
    await docker.close();
  },
  stream: async () => {
    const docker = new m.DockerClient({ socketPath: join(scratch, 'no-engine.sock'), apiVersion: '1.41' });
    await docker.raw.request({ method: 'GET', path: '/events', lane: 'stream' }).catch(() => {});
    await docker.close();
  },
  streamsBeyondCap: async () => {
    // Three at once with a cap of one: two wait their turn (each fails to connect: there is no engine).
    const docker = new m.DockerClient({ socketPath: join(scratch, 'no-engine.sock'), apiVersion: '1.41', maxConnections: 1 });
    await Promise.all([1, 2, 3].map(() => docker.raw.request({ method: 'GET', path: '/events', lane: 'stream' }).catch(() => {})));
    await docker.close();
  },
  tarBody: async () => (await m.tarBody(join(scratch, 'context'))).body.destroy(),
  ssh: async () => {
    const docker = new m.DockerClient({ host: 'ssh://probe@127.0.0.1', ssh: { command: join(scratch, 'no-ssh') } });
    await docker.system.ping().catch(() => {});
    await docker.close();
  },
  credentials: () => new m.RegistryCredentials({ env: { DOCKER_CONFIG: scratch, PATH: scratch } }).resolve('registry.example:5000').catch(() => {}),
};
await features[feature]();
const afterUse = loaded();
const minus = (a, b) => [...a].filter((x) => !b.has(x)).sort();
console.log(JSON.stringify({ atLoad: minus(atLoad, before), afterUse: minus(afterUse, atLoad) }));
`;

let scratch: string;
const file = { cjs: '', esm: '' };

beforeAll(async () => {
  // Under the repository, so that the bundles resolve their dependencies from its node_modules.
  mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
  scratch = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'load-probe-'));
  await bundle(ROOT, join(scratch, 'cjs', 'index.js'), join(scratch, 'esm'));
  writeFileSync(join(scratch, 'esm', 'package.json'), '{ "type": "module" }\n');
  file.cjs = join(scratch, 'cjs', 'index.js');
  file.esm = join(scratch, 'esm', 'index.js');
  mkdirSync(join(scratch, 'context'));
  writeFileSync(join(scratch, 'context', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(scratch, 'config.json'), JSON.stringify({ credsStore: 'load-probe-none' }));
}, 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function probe(format: 'cjs' | 'esm', feature: string): { atLoad: string[]; afterUse: string[] } {
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, format, file[format], feature, scratch], { cwd: ROOT, encoding: 'utf8' }));
}
const heavy = (names: string[]) => names.filter((n) => HEAVY.includes(n));

describe.each(['cjs', 'esm'] as const)('%s bundle', (format) => {
  test("loading it loads undici's error classes only, none of the heavy modules; plain API calls load neither the Pool nor a heavy one", () => {
    const { atLoad, afterUse } = probe(format, 'client');
    expect(atLoad).toContain('undici'); // the probe sees packages
    expect(atLoad).toContain('undici/lib/core/errors.js'); // and undici's files
    expect(atLoad).toContain('node:os'); // and built-ins
    expect(atLoad.filter((m) => POOL.includes(m))).toEqual([]);
    expect(heavy(atLoad)).toEqual([]);
    expect(afterUse.filter((m) => POOL.includes(m))).toEqual([]);
    expect(heavy(afterUse)).toEqual([]);
  });

  test("a request on the stream lane loads neither undici's Pool nor a heavy module", () => {
    const { atLoad, afterUse } = probe(format, 'stream');
    expect(atLoad.filter((m) => POOL.includes(m))).toEqual([]);
    expect(afterUse.filter((m) => POOL.includes(m))).toEqual([]);
    expect(heavy(afterUse)).toEqual([]);
  });

  test("stream-lane requests beyond the connection cap wait for a connection of their own: undici's Pool is not loaded", () => {
    const { afterUse } = probe(format, 'streamsBeyondCap');
    expect(afterUse.filter((m) => POOL.includes(m))).toEqual([]);
  });

  test('the first directory build context loads the dockerignore matcher and node:fs/promises, not tar-stream', () => {
    const { atLoad, afterUse } = probe(format, 'tarBody');
    expect(heavy(atLoad)).toEqual([]);
    expect(afterUse).toEqual(expect.arrayContaining(['@balena/dockerignore', 'node:fs/promises']));
    expect(afterUse).not.toContain('tar-stream');
    expect(afterUse).not.toContain('streamx');
  });

  test("the first ssh connection loads node:child_process, and undici's Pool (ssh connections are processes)", () => {
    const { atLoad, afterUse } = probe(format, 'ssh');
    expect(heavy(atLoad)).toEqual([]);
    expect(afterUse).toContain('node:child_process');
    expect(afterUse).toEqual(expect.arrayContaining(POOL));
  });

  test('the first credential helper run loads node:child_process', () => {
    const { atLoad, afterUse } = probe(format, 'credentials');
    expect(heavy(atLoad)).toEqual([]);
    expect(afterUse).toContain('node:child_process');
  });
});

test('the ESM bundle takes undici with require (createRequire), never with a static import', () => {
  // Importing CommonJS from ESM costs a package-exports lookup, a lexer pass and a translator per module (scripts/bundle.ts).
  const dir = join(scratch, 'esm');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    expect(text).not.toMatch(/from\s*["']undici/);
    expect(text).toMatch(/const require = __createRequire\(import\.meta\.url\)/);
  }
  // The Pool is in a chunk of its own (reached by `await import()`), not in the entry.
  const poolIn = files.filter((f) => /__require\("undici\/lib\/dispatcher\/pool\.js"\)/.test(readFileSync(join(dir, f), 'utf8')));
  expect(poolIn).toHaveLength(1);
  expect(poolIn[0]).toMatch(/^chunk-/);
});

test('every bundled JavaScript file is ASCII-only', () => {
  // One non-ASCII character (a comment esbuild keeps, with an arrow in it) made V8 hold the CommonJS bundle's
  // source as a two-byte string: 670 KB of heap instead of 335 KB in every process (scripts/bundle.ts).
  const files = [file.cjs, ...readdirSync(join(scratch, 'esm')).filter((f) => f.endsWith('.js')).map((f) => join(scratch, 'esm', f))];
  const nonAscii = files.filter((f) => /[^\x00-\x7f]/.test(readFileSync(f, 'utf8')));
  expect(nonAscii).toEqual([]);
  // The sources do have such comments (else this test could not fail): the bundle step is what removes them.
  expect(readFileSync(join(ROOT, 'src', 'transport', 'download-reader.ts'), 'utf8')).toMatch(/[^\x00-\x7f]/);
});

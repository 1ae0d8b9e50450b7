/**
 * The esbuild step of the build (scripts/build.ts), shared with test/load-on-first-use.test.ts so that the test
 * bundles exactly as the published package is bundled. One file per format, dependencies left external.
 *
 * What the package loads with its entry point is decided here and in the sources: a module reached only through
 * `await import()` becomes a chunk (ESM, `splitting`) or a lazily initialised module (CJS, esbuild's `__esm`),
 * so its own imports — tar-stream, @bufbuild/protobuf, node:http2 — load on its first use. Node built-ins
 * needed by some operations only are taken with `process.getBuiltinModule()` at the use site (sync, typed, the same
 * in both formats; the ESM bundle has no `require`).
 *
 * undici is CommonJS and loads with the entry. The ESM bundle takes its three modules with `require` (from
 * `createRequire(import.meta.url)`) instead of `import`: importing a CommonJS file from ESM costs the loader a
 * package `exports` lookup, a cjs-module-lexer pass over the file and a translator per module — 25–38 M of the
 * ~215 M instructions that `import()` of the package adds to bare node (callgrind, 2 runs each, 2026-12-02).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build, type BuildOptions, type BuildResult, type Plugin } from 'esbuild';

const UNDICI = /^undici(\/|$)/;

/** ESM only: `import x from 'undici/…'` becomes a CommonJS module whose body is `require('undici/…')`. */
const undiciThroughRequire: Plugin = {
  name: 'undici-through-require',
  setup(b) {
    b.onResolve({ filter: UNDICI }, (args) => (args.kind === 'require-call' ? { path: args.path, external: true } : { path: args.path, namespace: 'undici-require' }));
    b.onLoad({ filter: /.*/, namespace: 'undici-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** esbuild's `__require` shim calls a `require` in scope; every ESM output file (entry and chunks) gets one. */
const ESM_REQUIRE = `import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);`;

/**
 * Writes the output files with their JavaScript ASCII-only. esbuild escapes strings, templates and identifiers
 * (charset `ascii`), but keeps some comments — those in class bodies — as they are, and ~30 of them hold an
 * `→`, `≥` or `—`. A single one makes V8 keep the whole module source as a two-byte string: the CommonJS bundle's
 * 335 KB source then held 670 KB of heap in every process that loads the client, promoted at the first scavenge
 * (`--trace-gc-nvp`); a 1 GiB export peaked ~0.5 MB higher (bench/README.md, "Stop 27"). Each such character
 * becomes one `?`: one UTF-16 unit for one, so the source maps' columns stay exact.
 */
function writeAscii(result: BuildResult<{ write: false }>): void {
  for (const out of result.outputFiles) {
    mkdirSync(dirname(out.path), { recursive: true });
    writeFileSync(out.path, out.path.endsWith('.js') ? out.text.replace(/[^\x00-\x7f]/g, '?') : out.contents);
  }
}

/** Bundles src/index.ts into `cjsFile` (CommonJS) and `esmDir` (ES modules with chunks), relative to `root`. */
export async function bundle(root: string, cjsFile: string, esmDir: string): Promise<void> {
  const common: BuildOptions = {
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  };
  writeAscii(await build({ ...common, write: false, format: 'cjs', outfile: cjsFile }));
  writeAscii(
    await build({ ...common, write: false, format: 'esm', outdir: esmDir, splitting: true, chunkNames: 'chunk-[hash]', plugins: [undiciThroughRequire], banner: { js: ESM_REQUIRE } }),
  );
}

/**
 * The esbuild step of the build (scripts/build.ts), shared with test/load-on-first-use.test.ts so that the test
 * bundles exactly as the published package is bundled. One file per format, dependencies left external.
 *
 * What the package loads with its entry point is decided here and in the sources: a module reached only through
 * `await import()` becomes a chunk (ESM, `splitting`) or a lazily initialised module (CJS, esbuild's `__esm`),
 * so its own imports — tar-stream, @bufbuild/protobuf, node:http2 — load on its first use. Node built-ins
 * needed by some operations only are taken with `process.getBuiltinModule()` at the use site (sync, typed, the same
 * in both formats; the ESM bundle has no `require`).
 */
import { buildSync, type BuildOptions } from 'esbuild';

/** Bundles src/index.ts into `cjsFile` (CommonJS) and `esmDir` (ES modules with chunks), relative to `root`. */
export function bundle(root: string, cjsFile: string, esmDir: string): void {
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
  buildSync({ ...common, format: 'cjs', outfile: cjsFile });
  buildSync({ ...common, format: 'esm', outdir: esmDir, splitting: true, chunkNames: 'chunk-[hash]' });
}

/**
 * The bench's child processes run plain JavaScript, not TypeScript through a loader: a loader would add its own
 * memory and start-up time to every figure. So run.ts transpiles the bench sources (types are checked by
 * `npm run typecheck`, which includes bench/) into bench/tmp/build once per run.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export function transpileBench(benchDir: string, outDir: string): void {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return e.name === 'tmp' ? [] : walk(p);
      return e.name.endsWith('.ts') ? [p] : [];
    });
  for (const file of walk(benchDir)) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const out = path.join(outDir, path.relative(benchDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
}

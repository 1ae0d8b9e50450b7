/**
 * `npx tsx test/helpers/generated-in-sync.ts <root>`: prints (JSON) the files of <root>/generated that differ
 * from what generation makes of <root>/openapi — generate:check for any root. Run as a child process because
 * openapi-typescript's ESM-only dependencies cannot be loaded inside jest.
 */
import { join, resolve } from 'node:path';
import { diffDir, generate } from '../../scripts/generate';

const root = resolve(process.argv[2] ?? '.');
generate(join(root, 'openapi')).then(
  (files) => console.log(JSON.stringify(diffDir(files, join(root, 'generated')))),
  (err: Error) => {
    console.error(err.message);
    process.exitCode = 2;
  },
);

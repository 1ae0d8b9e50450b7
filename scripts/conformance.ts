/**
 * npm run conformance            — validate the answers recorded in $DEC_CONFORMANCE_DIR (or --records DIR)
 * npm run conformance -- --write — … and write docs/conformance.md
 * npm run conformance:check      — … and fail when docs/conformance.md differs (run by scripts/test.sh after jest)
 *
 * Exit 1 on any unexplained mismatch: an answer that fails its schema where no overlay fix and no documented
 * deviation (scripts/conformance/deviations.ts) says why. The fix is one of those two — see docs/conformance.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deviationFor } from './conformance/deviations';
import { renderReport, VOLATILE } from './conformance/report';
import { readRecords, Validator } from './conformance/validate';
import { convertPinned } from './openapi3';

const DOC = resolve(__dirname, '..', 'docs', 'conformance.md');

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--records');
  const dir = at >= 0 ? argv[at + 1] : process.env.DEC_CONFORMANCE_DIR;
  if (!dir || !existsSync(dir)) {
    console.error('conformance: no recordings: run jest with DEC_CONFORMANCE_DIR=<dir> (npm test does), then pass --records <dir>');
    return 2;
  }
  const { openapi, applied } = await convertPinned();
  const records = readRecords(dir);
  const { observed, findings } = new Validator(openapi).run(records);
  const unexplained = findings.filter((f) => !deviationFor(f.engine, f.where, f.keyword));
  const report = renderReport(applied, observed, findings);
  const engines = new Set(observed.map((o) => o.engine));
  console.log(`conformance: ${records.length} answers recorded, ${observed.length} operation×engine pairs on ${engines.size} engines, ${findings.length - unexplained.length} documented deviations`);
  for (const f of unexplained) {
    console.error(
      `conformance: UNEXPLAINED ${f.engine} ${f.operationId}: ${f.where} ${f.message} (at ${f.example.path} = ${f.example.value}, from ${f.example.suite ?? '?'})\n` +
        '  fix it in scripts/overlay-nullable.ts / scripts/overlay.ts, or document it in scripts/conformance/deviations.ts',
    );
  }
  let rc = unexplained.length ? 1 : 0;
  if (observed.length === 0) {
    // The recorder is wired by jest's setupFilesAfterEnv; no answer at all means it is not (or no engine ran).
    console.error(`conformance: no engine answers in ${dir}: is test/helpers/conformance-recorder.ts still in jest.config.js?`);
    rc = 1;
  }
  if (argv.includes('--write')) writeFileSync(DOC, report);
  if (argv.includes('--check')) {
    const stable = (text: string): string => text.split('\n').filter((l) => !VOLATILE.test(l)).join('\n');
    const committed = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '';
    if (stable(committed) !== stable(report)) {
      const fresh = join(dir, 'conformance.md');
      writeFileSync(fresh, report);
      console.error(`conformance:check: docs/conformance.md is out of date (fresh one: ${fresh}); run the suites and \`npm run conformance -- --write\`, then commit it`);
      rc = 1;
    }
  }
  return rc;
}

main(process.argv.slice(2)).then(
  (rc) => process.exit(rc),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);

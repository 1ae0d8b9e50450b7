/**
 * jest setupFilesAfterEnv: when DEC_CONFORMANCE_DIR is set (scripts/test.sh sets it), every JSON answer any test
 * file's clients parse is appended to `<dir>/<pid>.jsonl`, one file per jest worker (appends from one process
 * never interleave). scripts/conformance.ts validates them afterwards. No test has to do anything.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setResponseRecorder } from '../../src/api/recorder';

const dir = process.env.DEC_CONFORMANCE_DIR;
if (dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${process.pid}.jsonl`);
  const suite = relative(join(__dirname, '..', '..'), expect.getState().testPath ?? '');
  setResponseRecorder((record) => appendFileSync(file, `${JSON.stringify({ ...record, suite })}\n`));
}

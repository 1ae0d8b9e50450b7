/**
 * The dual-package hazard: a process that loads the CommonJS build (e.g. through a dependency's `require`) and
 * the ESM build (the application's `import`) holds two copies of every error class. `instanceof` must still
 * hold across them, both ways, and still tell the classes apart. Builds the package (`npm run build`) first.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

// One node process: the CJS build through require, the ESM build through import, errors made by each.
const PROBE = `
import { createRequire } from 'node:module';
const cjs = createRequire(import.meta.url)(${JSON.stringify(join(ROOT, 'dist/cjs/src/index.js'))});
const esm = await import(${JSON.stringify(join(ROOT, 'dist/esm/src/index.js'))});
const thrown = (lib) => { try { new lib.DockerClient({ timeout: -1 }); } catch (e) { return e; } };
const out = {
  distinctCopies: cjs.DockerApiError !== esm.DockerApiError,
  cjsApiInEsm: new cjs.DockerApiError(404, 'GET', '/x', 'no') instanceof esm.DockerApiError,
  esmApiInCjs: new esm.DockerApiError(404, 'GET', '/x', 'no') instanceof cjs.DockerApiError,
  cjsApiIsEsmBase: new cjs.DockerApiError(404, 'GET', '/x', 'no') instanceof esm.DockerError,
  cjsThrownInputInEsm: thrown(cjs) instanceof esm.DockerInputError,
  esmThrownInputInCjs: thrown(esm) instanceof cjs.DockerInputError,
  esmFilterIsCjsInput: new esm.DockerFilterError('images.list', 'k', [], 'm') instanceof cjs.DockerInputError,
  cjsInputIsEsmApi: new cjs.DockerInputError('m') instanceof esm.DockerApiError,
  cjsInputIsEsmFilter: new cjs.DockerInputError('m') instanceof esm.DockerFilterError,
  plainErrorIsEsmBase: new Error('m') instanceof esm.DockerError,
  lookalikeIsEsmApi: Object.assign(new Error('m'), { code: 'DOCKER_API_ERROR', name: 'DockerApiError' }) instanceof esm.DockerApiError,
};
console.log(JSON.stringify(out));
`;

test('instanceof holds across the CJS and ESM builds loaded in one process, both ways', () => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: ROOT, encoding: 'utf8' }));
  expect(out).toEqual({
    distinctCopies: true,
    cjsApiInEsm: true,
    esmApiInCjs: true,
    cjsApiIsEsmBase: true,
    cjsThrownInputInEsm: true,
    esmThrownInputInCjs: true,
    esmFilterIsCjsInput: true,
    cjsInputIsEsmApi: false,
    cjsInputIsEsmFilter: false,
    plainErrorIsEsmBase: false,
    lookalikeIsEsmApi: false,
  });
}, 300_000);

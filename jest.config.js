/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  // Sources import with explicit .js extensions (needed by the ESM build); map them back to the .ts files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60000,
  // Records every JSON answer for the conformance check when DEC_CONFORMANCE_DIR is set (scripts/test.sh).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/conformance-recorder.ts'],
};

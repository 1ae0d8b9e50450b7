/** The package version, sent in User-Agent. Kept in step with package.json by test/meta.test.ts. */
export const CLIENT_VERSION = '0.1.0';

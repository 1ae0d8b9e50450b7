/** The package version, sent in User-Agent. Kept in step with package.json by test/unit/package-version.test.ts. */
export const CLIENT_VERSION = '0.1.0';

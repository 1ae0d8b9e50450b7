import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_VERSION } from '../../src/core/package-version';

test('CLIENT_VERSION (sent as User-Agent) matches package.json', () => {
  expect(CLIENT_VERSION).toBe(JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')).version);
});

/**
 * Endpoint resolution like the docker CLI (src/cli-config/): the precedence table, the context store layout
 * (sha256 of the name), TLS material of a context, and clear errors naming the file for malformed config.json /
 * meta.json and an unknown context. The stores are written here in the CLI's layout; test/cli-config.test.ts has
 * the real docker CLI write them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerInputError } from '../../src/index';
import { readCliConfig } from '../../src/cli-config/config-file';
import { resolveConnection } from '../../src/cli-config/resolve-endpoint';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dec-cliconf-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function writeConfig(content: unknown): string {
  const file = join(dir, 'config.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function writeContext(name: string, endpoint: unknown, tls?: Record<string, string>): string {
  const meta = join(dir, 'contexts', 'meta', sha(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), typeof endpoint === 'string' ? endpoint : JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: endpoint } }));
  if (tls) {
    const t = join(dir, 'contexts', 'tls', sha(name), 'docker');
    mkdirSync(t, { recursive: true });
    for (const [f, v] of Object.entries(tls)) writeFileSync(join(t, f), v);
  }
  return join(meta, 'meta.json');
}

describe('precedence: options > DOCKER_HOST > DOCKER_CONTEXT > currentContext > default socket', () => {
  beforeEach(() => {
    writeConfig({ currentContext: 'cur' });
    writeContext('cur', { Host: 'tcp://cur.example:2375', SkipTLSVerify: false });
    writeContext('envctx', { Host: 'unix:///run/envctx.sock', SkipTLSVerify: false });
  });

  test.each([
    ['options win over everything', { DOCKER_HOST: 'tcp://env:1', DOCKER_CONTEXT: 'envctx' }, { host: 'unix:///opt.sock' }, 'unix:///opt.sock', 'options', undefined],
    ['DOCKER_HOST over DOCKER_CONTEXT and currentContext', { DOCKER_HOST: 'tcp://env:1', DOCKER_CONTEXT: 'envctx' }, {}, 'tcp://env:1', 'DOCKER_HOST', undefined],
    ['DOCKER_CONTEXT over currentContext', { DOCKER_CONTEXT: 'envctx' }, {}, 'unix:///run/envctx.sock', 'DOCKER_CONTEXT', 'envctx'],
    ['currentContext of config.json', {}, {}, 'tcp://cur.example:2375', 'currentContext', 'cur'],
    ['an empty DOCKER_HOST counts as unset', { DOCKER_HOST: '' }, {}, 'tcp://cur.example:2375', 'currentContext', 'cur'],
    ['DOCKER_CONTEXT=default means the default socket', { DOCKER_CONTEXT: 'default' }, {}, 'unix:///var/run/docker.sock', 'DOCKER_CONTEXT', 'default'],
    ['socketPath is an explicit option too', { DOCKER_CONTEXT: 'envctx' }, { socketPath: '/x.sock' }, 'unix:///x.sock', 'options', undefined],
  ])('%s', (_name, env, explicit, host, source, context) => {
    const r = resolveConnection({ DOCKER_CONFIG: dir, ...env }, explicit);
    expect(r.host).toBe(host);
    expect(r.endpoint.source).toBe(source);
    expect(r.endpoint.context).toBe(context);
    expect(r.endpoint.reason).toContain(host);
  });

  test('nothing set: the default socket, and the reason says what was looked at', () => {
    rmSync(join(dir, 'config.json'));
    const r = resolveConnection({ DOCKER_CONFIG: dir });
    expect(r.host).toBe('unix:///var/run/docker.sock');
    expect(r.endpoint).toMatchObject({ source: 'default', tls: false });
    expect(r.endpoint.reason).toMatch(/DOCKER_HOST and DOCKER_CONTEXT unset, no currentContext in .*config\.json/);
  });

  test('currentContext "default" is the default socket', () => {
    writeConfig({ currentContext: 'default' });
    expect(resolveConnection({ DOCKER_CONFIG: dir }).endpoint).toMatchObject({ host: 'unix:///var/run/docker.sock', source: 'currentContext', context: 'default' });
  });

  test('DOCKER_CONFIG defaults to $HOME/.docker', () => {
    mkdirSync(join(dir, '.docker'));
    writeFileSync(join(dir, '.docker', 'config.json'), JSON.stringify({ currentContext: 'default' }));
    expect(resolveConnection({ HOME: dir }).endpoint).toMatchObject({ source: 'currentContext', file: join(dir, '.docker', 'config.json') });
  });

  test('DOCKER_HOST keeps DOCKER_TLS_VERIFY / DOCKER_CERT_PATH; DOCKER_API_VERSION applies to every source', () => {
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), f);
    const r = resolveConnection({ DOCKER_HOST: 'tcp://h:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir, DOCKER_API_VERSION: '1.41' });
    expect(r.tls).toMatchObject({ verify: true });
    expect(r.endpoint.tls).toBe(true);
    expect(r.apiVersion).toBe('1.41');
    expect(resolveConnection({ DOCKER_CONFIG: dir, DOCKER_API_VERSION: '1.43' }).apiVersion).toBe('1.43');
  });
});

describe('context TLS', () => {
  test('ca/cert/key of the context turn TLS on with verification', () => {
    writeContext('secure', { Host: 'tcp://10.0.0.5:2376', SkipTLSVerify: false }, { 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'KEY' });
    const r = resolveConnection({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'secure' });
    expect(r.tls?.verify).toBe(true);
    expect(r.tls?.ca?.toString()).toBe('CA');
    expect(r.tls?.key?.toString()).toBe('KEY');
    expect(r.endpoint.reason).toBe('context "secure" (DOCKER_CONTEXT): tcp://10.0.0.5:2376 with TLS');
  });

  test('SkipTLSVerify without files: TLS without verification', () => {
    writeContext('skip', { Host: 'tcp://10.0.0.5:2376', SkipTLSVerify: true });
    const r = resolveConnection({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'skip' });
    expect(r.tls).toEqual({ verify: false });
    expect(r.endpoint.reason).toMatch(/not verified/);
  });

  test('no TLS material, no skip: plain', () => {
    writeContext('plain', { Host: 'tcp://10.0.0.5:2375' });
    expect(resolveConnection({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'plain' }).tls).toBeUndefined();
  });
});

describe('clear errors naming the file', () => {
  test('unknown context: names the context, where it came from and the store', () => {
    const run = () => resolveConnection({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'nope' });
    expect(run).toThrow(DockerInputError);
    expect(run).toThrow(`context "nope" (from DOCKER_CONTEXT) does not exist: no ${sha('nope')}/meta.json in the context store ${join(dir, 'contexts', 'meta')}`);
    writeConfig({ currentContext: 'gone' });
    expect(() => resolveConnection({ DOCKER_CONFIG: dir })).toThrow(`context "gone" (from currentContext in ${join(dir, 'config.json')}) does not exist`);
  });

  test.each([
    ['not JSON', '{"auths": {', /invalid JSON/],
    ['not an object', '[1,2]', /expected a JSON object, got an array/],
    ['auths of the wrong type', '{"auths": "x"}', /"auths" must be an object, got string/],
    ['an auth field of the wrong type', '{"auths": {"r.io": {"auth": 5}}}', /auths\["r\.io"\]\.auth must be a string, got number/],
    ['credHelpers entry of the wrong type', '{"credHelpers": {"r.io": true}}', /credHelpers\["r\.io"\] must be a string/],
    ['currentContext of the wrong type', '{"currentContext": 1}', /"currentContext" must be a string/],
  ])('config.json: %s', (_name, text, why) => {
    const file = writeConfig(text);
    expect(() => readCliConfig({ DOCKER_CONFIG: dir })).toThrow(DockerInputError);
    expect(() => readCliConfig({ DOCKER_CONFIG: dir })).toThrow(`${file} is not a valid docker CLI configuration`);
    expect(() => readCliConfig({ DOCKER_CONFIG: dir })).toThrow(why);
    // resolving the endpoint reads it too
    expect(() => resolveConnection({ DOCKER_CONFIG: dir })).toThrow(file);
  });

  test('config.json errors never quote the content (it holds credentials)', () => {
    writeConfig('{"auths": {"r.io": {"auth": "c2VjcmV0LXZhbHVl"}}, oops}');
    let err: Error | undefined;
    try {
      readCliConfig({ DOCKER_CONFIG: dir });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(DockerInputError);
    expect(`${err!.message} ${err!.stack} ${JSON.stringify(err)}`).not.toMatch(/c2VjcmV0|oops/);
  });

  test('missing or empty config.json is an empty configuration', () => {
    expect(readCliConfig({ DOCKER_CONFIG: join(dir, 'absent') })).toMatchObject({ auths: {}, credHelpers: {} });
    writeConfig('');
    expect(readCliConfig({ DOCKER_CONFIG: dir })).toMatchObject({ auths: {}, credHelpers: {} });
  });

  test.each([
    ['not JSON', '{', /invalid JSON/],
    ['no docker endpoint', JSON.stringify({ Name: 'x', Endpoints: {} }), /no "docker" endpoint/],
    ['Host of the wrong type', JSON.stringify({ Endpoints: { docker: { Host: 5 } } }), /Endpoints\.docker\.Host must be a string, got number/],
    ['SkipTLSVerify of the wrong type', JSON.stringify({ Endpoints: { docker: { Host: 'tcp://h:1', SkipTLSVerify: 'yes' } } }), /SkipTLSVerify must be a boolean/],
  ])('meta.json: %s', (_name, text, why) => {
    const file = writeContext('broken', text);
    const run = () => resolveConnection({ DOCKER_CONFIG: dir, DOCKER_CONTEXT: 'broken' });
    expect(run).toThrow(DockerInputError);
    expect(run).toThrow(`context "broken": ${file} is not valid context metadata`);
    expect(run).toThrow(why);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerClient, DockerInputError, optionsFromEnv, parseHost } from '../../src/index';

describe('parseHost', () => {
  test.each([
    ['unix:///var/run/docker.sock', {}, { kind: 'unix', socketPath: '/var/run/docker.sock' }],
    ['tcp://10.0.0.5:2375', {}, { kind: 'tcp', protocol: 'http:', hostname: '10.0.0.5', port: 2375 }],
    ['tcp://docker.example', {}, { kind: 'tcp', protocol: 'http:', hostname: 'docker.example', port: 2375 }],
    ['tcp://docker.example', { tls: true }, { kind: 'tcp', protocol: 'https:', hostname: 'docker.example', port: 2376 }],
    ['http://127.0.0.1:1234', {}, { kind: 'tcp', protocol: 'http:', hostname: '127.0.0.1', port: 1234 }],
    ['https://h:2376', {}, { kind: 'tcp', protocol: 'https:', hostname: 'h', port: 2376 }],
    ['tcp://[::1]:2375', {}, { kind: 'tcp', protocol: 'http:', hostname: '[::1]', port: 2375 }],
    // The Go client keeps a base path and sends every request below it.
    ['tcp://h:2375/docker/', {}, { kind: 'tcp', protocol: 'http:', hostname: 'h', port: 2375, pathPrefix: '/docker' }],
    ['https://h/a/b', {}, { kind: 'tcp', protocol: 'https:', hostname: 'h', port: 2376, pathPrefix: '/a/b' }],
    ['ssh://h', {}, { kind: 'ssh', hostname: 'h' }],
    ['ssh://u@[::1]:22/run/docker.sock', {}, { kind: 'ssh', hostname: '[::1]', user: 'u', port: 22, socketPath: '/run/docker.sock' }],
  ])('%s %j', (host, opts, expected) => {
    expect(parseHost(host, opts)).toEqual(expected);
  });

  test.each([
    ['', /empty/],
    ['/var/run/docker.sock', /expected unix:\/\/\/path/],
    ['unix://relative.sock', /must be absolute/],
    ['npipe:////./pipe/docker_engine', /npipe:\/\/ scheme is not supported/],
    ['ftp://host', /unknown scheme ftp/],
    ['tcp://host:99999', /cannot be parsed/],
    ['tcp://host:2375/path?x=1', /only host, port and a path prefix/],
    ['tcp://user@host:2375', /only host, port and a path prefix/],
    ['ssh://host/?x', /no query or fragment/],
  ])('rejects %j', (host, why) => {
    expect(() => parseHost(host)).toThrow(DockerInputError);
    expect(() => parseHost(host)).toThrow(why);
  });
});

describe('optionsFromEnv', () => {
  test('defaults to the standard unix socket', () => {
    expect(optionsFromEnv({})).toEqual({ host: 'unix:///var/run/docker.sock' });
  });

  test('DOCKER_HOST and DOCKER_API_VERSION', () => {
    expect(optionsFromEnv({ DOCKER_HOST: 'tcp://1.2.3.4:2375', DOCKER_API_VERSION: '1.43' })).toEqual({
      host: 'tcp://1.2.3.4:2375',
      apiVersion: '1.43',
    });
  });

  test('bad values name the variable', () => {
    expect(() => optionsFromEnv({ DOCKER_HOST: 'localhost:2375' })).toThrow(/DOCKER_HOST "localhost:2375"/);
    expect(() => optionsFromEnv({ DOCKER_API_VERSION: 'latest' })).toThrow(/DOCKER_API_VERSION "latest"/);
    expect(() => optionsFromEnv({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent/certs' })).toThrow(
      /DOCKER_CERT_PATH: cannot read \/nonexistent\/certs\/ca.pem \(ENOENT\)/,
    );
  });

  test('DOCKER_TLS_VERIFY reads ca/cert/key from DOCKER_CERT_PATH and makes tcp:// https', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dec-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, f), `-----${f}-----`);
    const opts = optionsFromEnv({ DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir });
    expect(opts.tls?.verify).toBe(true);
    expect(opts.tls?.ca?.toString()).toBe('-----ca.pem-----');
    expect(opts.tls?.key?.toString()).toBe('-----key.pem-----');
    expect(parseHost(opts.host, { tls: !!opts.tls })).toMatchObject({ protocol: 'https:', port: 1 });
    rmSync(dir, { recursive: true, force: true });
  });

  test('DockerClient.fromEnv uses the environment, not process.env', async () => {
    const docker = DockerClient.fromEnv({ DOCKER_HOST: 'unix:///nonexistent/dec.sock', DOCKER_API_VERSION: '1.41' });
    expect(docker.apiVersion).toBe('1.41');
    await expect(docker.ping()).rejects.toThrow(/\/nonexistent\/dec.sock/);
    await docker.close();
  });
});

describe('DockerClient options', () => {
  test('rejects contradictory or invalid options', () => {
    expect(() => new DockerClient({ host: 'unix:///a', socketPath: '/b' })).toThrow(/either `host` or `socketPath`/);
    expect(() => new DockerClient({ timeout: -1 })).toThrow(/timeout must be/);
    expect(() => new DockerClient({ apiVersion: '1' })).toThrow(/not an API version/);
    // Bad input, like every other: a DockerInputError with its code, not a bare TypeError.
    for (const options of [{ host: 'unix:///a', socketPath: '/b' }, { timeout: -1 }, { timeout: Number.NaN }]) {
      expect(() => new DockerClient(options)).toThrow(DockerInputError);
    }
  });
});

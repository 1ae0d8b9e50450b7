/** The runtime option check (core/check-options.ts) and the path parameter check (core/path-params.ts): pure functions. */
import { DockerInputError } from '../../src/index';
import { checkOptions, nearMiss } from '../../src/core/check-options';
import { checkPathParam, checkedPathSerializer } from '../../src/core/path-params';

describe('checkOptions', () => {
  const build = (opts: unknown) => checkOptions('images.build', 'ImageBuild', opts, { declared: { t: ['string', 'string[]'], dockerignore: 'boolean' } });

  test('undefined options, undefined values, spec keys of the right type and declared keys pass', () => {
    expect(() => build(undefined)).not.toThrow();
    expect(() => build({ t: undefined, nocache: true, memory: 1 << 20, networkmode: 'none', t2: undefined })).not.toThrow();
    expect(() => build({ t: ['a', 'b'], dockerignore: false, signal: new AbortController().signal })).not.toThrow();
  });

  test.each([
    [null, 'images.build: options must be an object, got null'],
    ['all', 'images.build: options must be an object, got string'],
    [[], 'images.build: options must be an object, got an array'],
    [{ tags: 'x' }, 'unknown option `tags` for images.build — did you mean `t`?'],
    [{ nocahce: true }, 'unknown option `nocahce` for images.build — did you mean `nocache`?'],
    [{ NoCache: true }, 'unknown option `NoCache` for images.build — did you mean `nocache`?'],
    [{ zzz: 1 }, 'unknown option `zzz` for images.build'],
    // Names every object inherits are options of nobody's.
    [{ hasOwnProperty: 'x' }, 'unknown option `hasOwnProperty` for images.build'],
    [{ constructor: 1 }, 'unknown option `constructor` for images.build'],
    [{ nocache: 'yes' }, 'images.build: option `nocache` must be a boolean, got string'],
    [{ memory: 1.5 }, 'images.build: option `memory` must be an integer, got number'],
    [{ t: 5 }, 'images.build: option `t` must be a string or an array of strings, got number'],
    [{ signal: 'x' }, 'images.build: option `signal` must be an AbortSignal, got string'],
  ])('%p → %s', (opts, message) => {
    let err: unknown;
    try {
      build(opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toBe(message);
  });

  test('`except` removes spec keys the method takes positionally', () => {
    expect(() => checkOptions('images.search', 'ImageSearch', { term: 'x' }, { except: ['term'] })).toThrow('unknown option `term` for images.search');
    expect(() => checkOptions('images.search', 'ImageSearch', { limit: 5 }, { except: ['term'] })).not.toThrow();
  });

  test('`renamed` takes a spec parameter under another name, checked as its type, and points the spec name at it', () => {
    const kill = (opts: unknown) => checkOptions('containers.kill', 'ContainerKill', opts, { renamed: { killSignal: 'signal' } });
    expect(() => kill({ killSignal: 'SIGHUP', signal: new AbortController().signal })).not.toThrow();
    expect(() => kill({ killSignal: 9 })).toThrow('containers.kill: option `killSignal` must be a string, got number');
    // `signal` is every call's AbortSignal: a signal name there is the renamed option's value.
    expect(() => kill({ signal: 'SIGHUP' })).toThrow('containers.kill: option `signal` must be an AbortSignal, got string — the API\'s `signal` is the option `killSignal` here');
    expect(() => kill({ killsignal: 'SIGHUP' })).toThrow('unknown option `killsignal` for containers.kill — did you mean `killSignal`?');
    // A renamed spec name that no other option takes is unknown, with the same pointer.
    const stop = (opts: unknown) => checkOptions('containers.stop', 'ContainerStop', opts, { renamed: { seconds: 't' } });
    expect(() => stop({ seconds: 3 })).not.toThrow();
    expect(() => stop({ t: 3 })).toThrow('unknown option `t` for containers.stop — the API\'s `t` is the option `seconds` here');
  });

  test('array parameters check their items', () => {
    expect(() => checkOptions('images.import', 'ImageCreate', { changes: ['CMD ["sh"]'] })).not.toThrow();
    expect(() => checkOptions('images.import', 'ImageCreate', { changes: [1] })).toThrow('images.import: option `changes` must be an array of strings, got an array');
  });

  test('near misses', () => {
    const build = ['t', 'target', 'nocache', 'platform', 'pull', 'labels', 'networkmode'];
    expect(nearMiss('tags', build)).toBe('t');
    expect(nearMiss('tag', build)).toBe('t');
    expect(nearMiss('platfrom', build)).toBe('platform');
    expect(nearMiss('lables', build)).toBe('labels');
    expect(nearMiss('networkMode', build)).toBe('networkmode');
    expect(nearMiss('tga', ['repo', 'tag'])).toBe('tag');
    expect(nearMiss('forse', ['force', 'noprune'])).toBe('force');
    expect(nearMiss('limt', ['limit', 'filters'])).toBe('limit');
    expect(nearMiss('zzz', build)).toBeUndefined();
    expect(nearMiss('x', ['filters', 'all'])).toBeUndefined();
  });
});

describe('path parameters', () => {
  test.each(['.', '..', '', ' ', 'a//b', '/a', 'a/', 'a/./b', 'a/../b', '../x', 'x/..'])('%p is refused', (value) => {
    expect(() => checkPathParam('/images/{name}/json', 'name', value)).toThrow(DockerInputError);
  });

  test.each(['busybox', 'localhost:5000/a.b/c..d:1.0', '...', '.hidden', 'a..', 'sha256:abc', 'a@sha256:0123'])('%p is sent', (value) => {
    expect(() => checkPathParam('/images/{name}/json', 'name', value)).not.toThrow();
  });

  test('non-strings and missing parameters are refused, naming the parameter and the path', () => {
    expect(() => checkPathParam('/containers/{id}/json', 'id', null)).toThrow('path parameter `id` of /containers/{id}/json must be a string, got null');
    expect(() => checkedPathSerializer('http://localhost/containers/{id}/json', {})).toThrow('path parameter `id` of /containers/{id}/json must be a string, got undefined');
  });

  test('valid parameters are serialised as openapi-fetch does (percent-encoded)', () => {
    expect(checkedPathSerializer('http://localhost/images/{name}/json', { name: 'localhost:5000/x' })).toBe('http://localhost/images/localhost%3A5000%2Fx/json');
  });
});

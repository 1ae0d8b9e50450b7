import { DockerInputError } from '../../src/core/errors';
import {
  familiarName,
  formatReference,
  normalizeReference,
  parseReference,
  parseRepositoryTag,
  validateRepository,
  validateTag,
} from '../../src/registry/reference';

const SHA = 'sha256:' + 'a'.repeat(64);

describe('parseReference: valid references', () => {
  it.each([
    ['busybox', { path: 'busybox' }],
    ['busybox:1.36', { path: 'busybox', tag: '1.36' }],
    ['library/busybox:latest', { path: 'library/busybox', tag: 'latest' }],
    ['team/app/web:v1_2.3-rc', { path: 'team/app/web', tag: 'v1_2.3-rc' }],
    ['127.0.0.1:5000/foo', { domain: '127.0.0.1:5000', path: 'foo' }],
    ['127.0.0.1:5000/foo:bar', { domain: '127.0.0.1:5000', path: 'foo', tag: 'bar' }],
    ['localhost/foo', { domain: 'localhost', path: 'foo' }],
    ['localhost:5000/a/b:c', { domain: 'localhost:5000', path: 'a/b', tag: 'c' }],
    ['ghcr.io/owner/repo', { domain: 'ghcr.io', path: 'owner/repo' }],
    ['my-registry.example.com:443/x', { domain: 'my-registry.example.com:443', path: 'x' }],
    ['[::1]:5000/foo:tag', { domain: '[::1]:5000', path: 'foo', tag: 'tag' }],
    ['[fe80::1]/foo', { domain: '[fe80::1]', path: 'foo' }],
    // First component with uppercase letters is a registry for the daemon (ParseNormalizedNamed).
    ['Registry/foo', { domain: 'Registry', path: 'foo' }],
    // Without . : or localhost the first component is a Docker Hub namespace, not a registry.
    ['foo/bar', { path: 'foo/bar' }],
    [`busybox@${SHA}`, { path: 'busybox', digest: SHA }],
    [`busybox:1.36@${SHA}`, { path: 'busybox', tag: '1.36', digest: SHA }],
    [`127.0.0.1:5000/foo@${SHA}`, { domain: '127.0.0.1:5000', path: 'foo', digest: SHA }],
    [`x@sha512:${'0'.repeat(128)}`, { path: 'x', digest: `sha512:${'0'.repeat(128)}` }],
    ['ns/a__b.c-d---e_f:_', { path: 'ns/a__b.c-d---e_f', tag: '_' }],
    // A first component with a dot is a registry, so a dotted Hub namespace is read as a host (as the daemon does).
    ['my.ns/app', { domain: 'my.ns', path: 'app' }],
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
    expect(formatReference(parseReference(input))).toBe(input);
  });

  it('accepts the longest tag and name', () => {
    expect(parseReference(`x:${'t'.repeat(128)}`).tag).toHaveLength(128);
    const name = `r.io/${'a'.repeat(250)}`; // 255 characters
    expect(parseReference(`${name}:t`).path).toHaveLength(250);
  });
});

describe('parseReference: invalid references name the problem', () => {
  it.each([
    ['', /: empty reference$/],
    ['Busybox', /uppercase letters in repository name "Busybox"/],
    ['library/BusyBox:latest', /uppercase letters in repository name "library\/BusyBox"/],
    ['127.0.0.1:5000/Foo', /uppercase letters in repository name "Foo"/],
    [`x:${'t'.repeat(129)}`, /tag too long \(129 characters, at most 128\)/],
    ['busybox:', /empty tag/],
    ['busybox:-x', /invalid tag "-x"/],
    ['busybox:.x', /invalid tag "\.x"/],
    ['busybox:a+b', /invalid tag "a\+b"/],
    ['busybox@', /invalid digest ""/],
    ['busybox@sha256:xyz', /invalid digest "sha256:xyz" \(expected algorithm:hex/],
    ['busybox@sha256:abc', /invalid digest "sha256:abc" \(expected algorithm:hex/], // under 32 hex digits
    [`busybox@sha256:${'a'.repeat(63)}`, /sha256 needs exactly 64 lowercase hex digits, got 63/],
    [`busybox@sha256:${'A'.repeat(64)}`, /sha256 needs exactly 64 lowercase hex digits/],
    [`busybox@md5:${'a'.repeat(32)}`, /unsupported algorithm "md5" \(supported: sha256, sha384, sha512\)/],
    [`busybox@${SHA}@${SHA}`, /invalid digest/],
    ['a'.repeat(64), /64-character hex string is an image ID/],
    [`r.io/${'a'.repeat(251)}`, /repository name too long \(256 characters, at most 255\)/],
    [':tag', /missing repository name/],
    ['foo//bar', /empty path component in repository name "foo\/\/bar"/],
    ['foo/', /empty path component/],
    ['/foo', /empty path component/],
    ['-foo', /invalid repository name component "-foo"/],
    ['foo-', /invalid repository name component "foo-"/],
    ['foo..bar', /invalid repository name component "foo\.\.bar"/],
    ['foo___bar', /invalid repository name component "foo___bar"/],
    ['_foo', /invalid repository name component "_foo"/],
    ['foo bar', /invalid repository name component "foo bar"/],
    ['busybox:latest:extra', /invalid repository name component "busybox:latest"/],
    ['-bad.example/foo', /invalid registry host "-bad\.example"/],
    ['bad_host.example/foo', /invalid registry host "bad_host\.example"/],
    ['host.example:50a0/foo', /invalid registry port "50a0"/],
    ['host.example:/foo', /invalid registry port ""/],
    ['[::1/foo', /invalid registry host "\[::1"/],
    ['[zz::1]:5000/foo', /invalid registry host "\[zz::1\]"/],
  ])('%s', (input, message) => {
    let thrown: unknown;
    try {
      parseReference(input);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DockerInputError);
    expect((thrown as Error).message).toMatch(/^invalid image reference "/);
    expect((thrown as Error).message).toMatch(message);
  });

  it('rejects a non-string', () => {
    expect(() => parseReference(42 as never)).toThrow(new DockerInputError('image reference must be a string, got number'));
  });

  it('truncates a huge input in the message', () => {
    const huge = 'A'.repeat(10_000);
    let message = '';
    try {
      parseReference(huge);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/uppercase letters/);
    expect(message.length).toBeLessThan(400);
  });
});

describe('parseRepositoryTag', () => {
  it.each([
    ['busybox', { repository: 'busybox' }],
    ['busybox:1.36', { repository: 'busybox', tag: '1.36' }],
    ['127.0.0.1:5000/foo', { repository: '127.0.0.1:5000/foo' }],
    ['127.0.0.1:5000/foo:bar', { repository: '127.0.0.1:5000/foo', tag: 'bar' }],
    ['localhost:5000/a/b', { repository: 'localhost:5000/a/b' }],
    [`busybox@${SHA}`, { repository: 'busybox', digest: SHA }],
    [`127.0.0.1:5000/foo:bar@${SHA}`, { repository: '127.0.0.1:5000/foo', tag: 'bar', digest: SHA }],
  ])('%s', (input, expected) => {
    expect(parseRepositoryTag(input)).toEqual(expected);
  });

  it('validates', () => {
    expect(() => parseRepositoryTag('127.0.0.1:5000/Foo:bar')).toThrow(DockerInputError);
  });
});

describe('normalizeReference', () => {
  it.each([
    ['busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['foo/bar:1', { domain: 'docker.io', path: 'foo/bar', tag: '1' }],
    ['index.docker.io/busybox', { domain: 'docker.io', path: 'library/busybox', tag: 'latest' }],
    ['docker.io/library/busybox:1', { domain: 'docker.io', path: 'library/busybox', tag: '1' }],
    [`busybox@${SHA}`, { domain: 'docker.io', path: 'library/busybox', digest: SHA }],
    ['127.0.0.1:5000/foo', { domain: '127.0.0.1:5000', path: 'foo', tag: 'latest' }],
  ])('%s', (input, expected) => {
    expect(normalizeReference(input)).toEqual(expected);
  });
});

describe('validateTag / validateRepository', () => {
  it('pass valid input through', () => {
    expect(validateTag('v1.2_3-rc')).toBe('v1.2_3-rc');
    expect(validateRepository('127.0.0.1:5000/team/app')).toBe('127.0.0.1:5000/team/app');
  });
  it.each([
    [() => validateTag(''), 'empty tag'],
    [() => validateTag('t'.repeat(129)), 'tag too long (129 characters, at most 128)'],
    [() => validateTag('a/b'), /^invalid tag "a\/b"/],
    [() => validateTag(1 as never), 'tag must be a string, got number'],
    [() => validateRepository('busybox:latest'), /^invalid repository name "busybox:latest": a repository name cannot contain a tag/],
    [() => validateRepository(`busybox@${SHA}`), /cannot contain a digest/],
    [() => validateRepository('Busybox'), /^invalid repository name "Busybox": uppercase letters/],
    [() => validateRepository(''), /missing repository name/],
  ])('%#', (fn, message) => {
    expect(fn).toThrow(DockerInputError);
    expect(fn).toThrow(message);
  });
  it('a registry port is not a tag', () => {
    expect(validateRepository('127.0.0.1:5000/foo')).toBe('127.0.0.1:5000/foo');
  });
});

describe('familiarName', () => {
  it.each([
    ['docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/team/app:1', 'team/app:1'],
    ['index.docker.io/library/busybox', 'busybox'],
    ['docker.io/library/team/x', 'library/team/x'],
    ['localhost/bb:1', 'localhost/bb:1'],
    ['127.0.0.1:5000/foo:bar', '127.0.0.1:5000/foo:bar'],
    ['busybox:1', 'busybox:1'],
  ])('%s → %s', (input, expected) => {
    expect(familiarName(input)).toBe(expected);
  });
});

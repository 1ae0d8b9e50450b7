import { encodeIdentityToken, encodeRegistryAuth, encodeRegistryConfig } from '../../src/registry/auth';
import { DockerInputError } from '../../src/core/errors';

/**
 * Decoder written to behave like Go's base64.URLEncoding.DecodeString (what dockerd runs on the header):
 * URL alphabet only, input length a multiple of 4, `=` padding required and only at the end. Written
 * independently of Buffer so the encoder under test is not checked against itself.
 */
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function goUrlDecode(s: string): Buffer {
  if (s.length % 4 !== 0) throw new Error('illegal base64 data: length not a multiple of 4 (missing padding)');
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i += 4) {
    const quad = s.slice(i, i + 4);
    const last = i + 4 === s.length;
    const pad = quad.endsWith('==') ? 2 : quad.endsWith('=') ? 1 : 0;
    if (pad && !last) throw new Error(`illegal base64 data at input byte ${i}: padding before the end`);
    const vals = [...quad.slice(0, 4 - pad)].map((c, j) => {
      const v = URL_ALPHABET.indexOf(c);
      if (v < 0) throw new Error(`illegal base64 data at input byte ${i + j}: ${JSON.stringify(c)}`);
      return v;
    });
    const n = vals.reduce((acc, v) => (acc << 6) | v, 0) << (6 * pad);
    bytes.push((n >> 16) & 0xff);
    if (pad < 2) bytes.push((n >> 8) & 0xff);
    if (pad < 1) bytes.push(n & 0xff);
  }
  return Buffer.from(bytes);
}

function decodeJson(header: string): unknown {
  return JSON.parse(goUrlDecode(header).toString('utf8'));
}

describe('encodeRegistryAuth', () => {
  // Chosen so that the standard base64 of the JSON contains both '+' and '/', which the URL decoder rejects.
  const auth = { username: 'tester', password: 'p>>>???~ü€', serveraddress: '127.0.0.1:5000' };

  it('precondition: the standard base64 of this JSON contains + and /, so std base64 would be rejected', () => {
    const std = Buffer.from(JSON.stringify(auth)).toString('base64');
    expect(std).toMatch(/\+/);
    expect(std).toMatch(/\//);
    expect(() => goUrlDecode(std)).toThrow(/illegal base64 data/);
  });

  it('round-trips through a Go URLEncoding decoder', () => {
    const header = encodeRegistryAuth(auth);
    expect(header).toMatch(/^[A-Za-z0-9_-]*={0,2}$/);
    expect(decodeJson(header)).toEqual(auth);
  });

  it('keeps = padding for both padded lengths (unpadded base64url is rejected by the daemon)', () => {
    const paddings = new Set<number>();
    for (let n = 0; n < 3; n++) {
      const a = { username: 'u', password: 'x'.repeat(n) };
      const header = encodeRegistryAuth(a);
      expect(header.length % 4).toBe(0);
      paddings.add(header.length - header.replace(/=+$/, '').length);
      expect(decodeJson(header)).toEqual(a);
    }
    expect([...paddings].sort()).toEqual([0, 1, 2]);
    // and the unpadded form is what a Go decoder refuses:
    const padded = encodeRegistryAuth({ username: 'u', password: 'x' });
    expect(padded).toMatch(/=$/);
    expect(() => goUrlDecode(padded.replace(/=+$/, ''))).toThrow(/missing padding/);
  });

  it('sends only the given fields, in a fixed order', () => {
    const header = encodeRegistryAuth({ password: 'b', username: 'a' });
    expect(goUrlDecode(header).toString('utf8')).toBe('{"username":"a","password":"b"}');
    expect(goUrlDecode(encodeRegistryAuth({ username: 'a', password: undefined })).toString('utf8')).toBe('{"username":"a"}');
  });

  it('identity-token form', () => {
    expect(decodeJson(encodeIdentityToken('tok+/=', 'registry.example:5000'))).toEqual({
      serveraddress: 'registry.example:5000',
      identitytoken: 'tok+/=',
    });
    expect(decodeJson(encodeIdentityToken('tok'))).toEqual({ identitytoken: 'tok' });
    expect(decodeJson(encodeRegistryAuth({ identitytoken: 'abc' }))).toEqual({ identitytoken: 'abc' });
  });

  it.each([
    ['null', null, /auth must be a plain object, got null/],
    ['a string', 'user:pass', /auth must be a plain object, got string/],
    ['an array', ['u', 'p'], /auth must be a plain object, got an array/],
    ['a number password', { username: 'u', password: 1234 }, /auth\.password must be a string, got number/],
    ['an object username', { username: { a: 1 } }, /auth\.username must be a string, got object/],
    ['a misspelt field', { user: 'u', password: 'p' }, /unknown field "user" \(allowed: username, password, serveraddress, identitytoken\)/],
  ])('rejects %s with a DockerInputError', (_what, input, message) => {
    const thrown = thrownBy(() => encodeRegistryAuth(input as never));
    expect(thrown).toBeInstanceOf(DockerInputError);
    expect((thrown as Error).message).toMatch(message);
  });

  it('never puts a credential into the error (message, own properties, stack)', () => {
    const secret = 'S3cr3t-Passw0rd';
    const inputs: unknown[] = [
      { username: secret, password: 42 },
      { username: 'u', password: secret, extra: secret },
      { username: 'u', password: secret, serveraddress: 5000 },
    ];
    for (const input of inputs) {
      const thrown = thrownBy(() => encodeRegistryAuth(input as never));
      expect(thrown).toBeInstanceOf(DockerInputError);
      const err = thrown as Error & Record<string, unknown>;
      expect(err.message).not.toContain(secret);
      expect(String(err.stack)).not.toContain(secret);
      expect(err.cause).toBeUndefined();
      for (const key of Object.getOwnPropertyNames(err)) {
        expect(JSON.stringify(err[key]) ?? '').not.toContain(secret);
      }
    }
  });
});

describe('encodeRegistryConfig', () => {
  it('encodes a registry → auth map the same way', () => {
    const config = {
      '127.0.0.1:5000': { username: 'janedoe', password: 'p>>>???~' },
      'https://index.docker.io/v1/': { identitytoken: 'tok' },
    };
    const header = encodeRegistryConfig(config);
    expect(header).toMatch(/^[A-Za-z0-9_-]*={0,2}$/);
    expect(decodeJson(header)).toEqual(config);
  });

  it('encodes an empty map as {}', () => {
    expect(decodeJson(encodeRegistryConfig({}))).toEqual({});
  });

  it('names the registry whose entry is wrong, never the credential', () => {
    expect(() => encodeRegistryConfig({ 'reg.example': { username: 'u', password: 7 } } as never)).toThrow(
      /registryConfig\["reg\.example"\]\.password must be a string, got number/,
    );
    expect(() => encodeRegistryConfig({ 'reg.example': 'hunter2' } as never)).toThrow(
      new DockerInputError('registryConfig["reg.example"] must be a plain object, got string'),
    );
    expect(() => encodeRegistryConfig([] as never)).toThrow(DockerInputError);
  });
});

/** What `fn` throws (undefined when it returns). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

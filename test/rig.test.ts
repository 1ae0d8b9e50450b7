/**
 * The test rig itself, checked with plain undici and no code from src/: if these fail, every other engine
 * test's failure is about the rig, not the client.
 */
import { Agent, request } from 'undici';
import { baseImage, engineSocketPath, podmanHost, registry, socketPathOf } from './helpers/env';

const agents: Agent[] = [];
function overSocket(socketPath: string): Agent {
  const agent = new Agent({ connect: { socketPath } });
  agents.push(agent);
  return agent;
}
afterAll(() => Promise.all(agents.map((a) => a.close())));

async function getText(url: string, dispatcher?: Agent, headers?: Record<string, string>) {
  const res = await request(url, { dispatcher, headers });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

describe('docker engine', () => {
  test('answers /_ping with OK and its API version', async () => {
    const res = await getText('http://d/_ping', overSocket(engineSocketPath()));
    expect(res.status).toBe(200);
    expect(res.body).toBe('OK');
    expect(res.headers['api-version']).toMatch(/^1\.\d+$/);
  });

  test('has the base image', async () => {
    const res = await getText(`http://d/images/${baseImage()}/json`, overSocket(engineSocketPath()));
    expect(res.status).toBe(200);
    const image = JSON.parse(res.body) as { RepoTags: string[]; Config: { Cmd: string[] } };
    expect(image.RepoTags).toContain(baseImage());
    expect(image.Config.Cmd).toEqual(['sh']);
  });

  test('answers 404 for an image that does not exist (the check above can fail)', async () => {
    const res = await getText('http://d/images/dec-no-such-image:never/json', overSocket(engineSocketPath()));
    expect(res.status).toBe(404);
  });
});

describe('registry', () => {
  test('refuses /v2/ without credentials, with a Basic challenge', async () => {
    const res = await getText(`http://${registry().address}/v2/`);
    expect(res.status).toBe(401);
    expect(String(res.headers['www-authenticate'])).toMatch(/^Basic realm=/);
  });

  test('accepts /v2/ with the Basic credentials', async () => {
    const { address, username, password } = registry();
    const basic = Buffer.from(`${username}:${password}`).toString('base64');
    const res = await getText(`http://${address}/v2/`, undefined, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  test('refuses a wrong password', async () => {
    const { address, username } = registry();
    const basic = Buffer.from(`${username}:wrong`).toString('base64');
    const res = await getText(`http://${address}/v2/`, undefined, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(401);
  });

  test('password makes standard base64 of JSON differ from base64url at every alignment', () => {
    const { password } = registry();
    expect(password).toContain('?????~~~~~');
    for (const prefix of ['', 'a', 'ab']) {
      const std = Buffer.from(JSON.stringify({ username: prefix, password })).toString('base64');
      expect(std).toContain('/');
      expect(std).toContain('+');
    }
  });
});

describe('podman service', () => {
  const host = podmanHost();
  // Absent only when the rig was started without --podman; npm test always starts it.
  (host ? test : test.skip)('answers /_ping and has the base image', async () => {
    const agent = overSocket(socketPathOf('DEC_PODMAN_HOST', host!));
    const ping = await getText('http://d/_ping', agent);
    expect(ping.status).toBe(200);
    expect(ping.body).toBe('OK');
    expect(ping.headers['libpod-api-version']).toMatch(/^\d+\.\d+/);
    const image = await getText(`http://d/v1.41/images/${baseImage()}/json`, agent);
    expect(image.status).toBe(200);
  });
});

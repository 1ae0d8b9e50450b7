/**
 * The option check (core/check-options.ts) as the containers, exec, volumes, networks and system resources wire
 * it: a misspelt key or a value of the wrong type is a DockerInputError naming the option (and, for a near miss,
 * the right one) before anything is sent; legitimate calls — high-level names, structured values, body fields the
 * spec does not know yet — still go out. A recording fake engine (test/helpers/recording-engine.ts) counts the
 * requests: a refused call must have sent none.
 */
import { DockerInputError, type DockerClient } from '../../src/index';
import { recordingEngine, type RecordingEngine } from '../helpers/recording-engine';

let engine: RecordingEngine;

beforeAll(async () => {
  engine = await recordingEngine((req, url) => {
    if (url.pathname.endsWith('/networks') || url.pathname.endsWith('/containers/json')) return { body: '[]' };
    if (url.pathname.endsWith('/events')) return { body: '{"Type":"container","Action":"start","time":1,"timeNano":1000000000}\n' };
    return { body: req.method === 'POST' && url.pathname.endsWith('/start') ? '' : '{}' };
  });
});
afterAll(() => engine.close());

/** Whatever `call` throws or rejects with, and the requests it sent. */
async function refused(call: (c: DockerClient) => unknown): Promise<{ err: unknown; sent: number }> {
  let err: unknown;
  const sent = await engine.withVersion('1.55', async (c) => {
    try {
      await call(c);
    } catch (e) {
      err = e;
    }
  });
  return { err, sent: sent.length };
}

const any = (v: unknown) => v as never;
const BYTES = new Uint8Array(1024);

test.each<[string, (c: DockerClient) => unknown, string]>([
  // containers
  ['list misspelt', (c) => c.containers.list(any({ al: true })), 'unknown option `al` for containers.list — did you mean `all`?'],
  ['list filters as a string', (c) => c.containers.list(any({ filters: 'status=exited' })), 'containers.list: option `filters` must be an object, got string'],
  ['create misspelt', (c) => c.containers.create({ Image: 'x' }, any({ nmae: 'x' })), 'unknown option `nmae` for containers.create — did you mean `name`?'],
  ['create config not an object', (c) => c.containers.create(any('busybox')), 'containers.create: config must be an object, got string'],
  ['inspect wrong type', (c) => c.containers.inspect('c', any({ size: 1 })), 'containers.inspect: option `size` must be a boolean, got number'],
  ['start misspelt', (c) => c.containers.start('c', any({ detachkeys: 'ctrl-p' })), 'unknown option `detachkeys` for containers.start — did you mean `detachKeys`?'],
  ['stop t as a string', (c) => c.containers.stop('c', any({ t: '5' })), 'containers.stop: option `t` must be an integer, got string'],
  ['stop misspelt stopSignal', (c) => c.containers.stop('c', any({ stopsignal: 'SIGTERM' })), 'unknown option `stopsignal` for containers.stop — did you mean `stopSignal`?'],
  ['restart t as a fraction', (c) => c.containers.restart('c', { t: 1.5 }), 'containers.restart: option `t` must be an integer, got number'],
  ['kill: the spec name `signal` is the AbortSignal', (c) => c.containers.kill('c', any({ signal: 'SIGHUP' })), 'containers.kill: option `signal` must be an AbortSignal, got string — the API\'s `signal` is the option `killSignal` here'],
  ['kill killSignal as a number', (c) => c.containers.kill('c', any({ killSignal: 9 })), 'containers.kill: option `killSignal` must be a string, got number'],
  ['stop: the spec name `signal` is the AbortSignal', (c) => c.containers.stop('c', any({ signal: 'SIGINT' })), 'containers.stop: option `signal` must be an AbortSignal, got string — the API\'s `signal` is the option `stopSignal` here'],
  ['restart: the spec name `signal` is the AbortSignal', (c) => c.containers.restart('c', any({ signal: 'SIGINT', t: 1 })), 'containers.restart: option `signal` must be an AbortSignal, got string — the API\'s `signal` is the option `stopSignal` here'],
  ['pause takes only signal', (c) => c.containers.pause('c', any({ t: 1 })), 'unknown option `t` for containers.pause'],
  ['rename: name is positional', (c) => c.containers.rename('c', 'n', any({ name: 'm' })), 'unknown option `name` for containers.rename'],
  ['update options', (c) => c.containers.update('c', {}, any({ force: true })), 'unknown option `force` for containers.update'],
  ['resize wrong type', (c) => c.containers.resize('c', any({ h: '24', w: 80 })), 'containers.resize: `h` must be a positive integer, got 24'],
  ['wait misspelt', (c) => c.containers.wait('c', any({ conditon: 'removed' })), 'unknown option `conditon` for containers.wait — did you mean `condition`?'],
  ['remove misspelt', (c) => c.containers.remove('c', any({ forse: true })), 'unknown option `forse` for containers.remove — did you mean `force`?'],
  ['prune misspelt', (c) => c.containers.prune(any({ filter: {} })), 'unknown option `filter` for containers.prune — did you mean `filters`?'],
  ['top misspelt', (c) => c.containers.top('c', any({ psargs: 'aux' })), 'unknown option `psargs` for containers.top — did you mean `ps_args`?'],
  ['changes options', (c) => c.containers.changes('c', any({ all: true })), 'unknown option `all` for containers.changes'],
  ['logs misspelt', (c) => c.containers.logs('c', any({ tial: 5 })), 'unknown option `tial` for containers.logs — did you mean `tail`?'],
  ['logs wrong type', (c) => c.containers.logs('c', any({ follow: 'yes' })), 'containers.logs: option `follow` must be a boolean, got string'],
  ['logs tty wrong type', (c) => c.containers.logs('c', any({ tty: 'yes' })), 'containers.logs: option `tty` must be a boolean, got string'],
  ['attach: stream is not an option', (c) => c.containers.attach('c', any({ stream: true })), 'unknown option `stream` for containers.attach'],
  ['attach tty wrong type', (c) => c.containers.attach('c', any({ tty: 1 })), 'containers.attach: option `tty` must be a boolean, got number'],
  ['stats once misspelt', (c) => c.containers.stats('c', any({ stream: false, oneshot: true })), 'unknown option `oneshot` for containers.stats — did you mean `one-shot`?'],
  ['stats stream misspelt', (c) => c.containers.stats('c', any({ strem: true })), 'unknown option `strem` for containers.stats — did you mean `stream`?'],
  ['getArchive: path is positional', (c) => c.containers.getArchive('c', '/', any({ path: '/etc' })), 'unknown option `path` for containers.getArchive'],
  ['statPath options', (c) => c.containers.statPath('c', '/', any({ follow: true })), 'unknown option `follow` for containers.statPath'],
  ['putArchive case', (c) => c.containers.putArchive('c', '/', BYTES, any({ copyUidGid: true })), 'unknown option `copyUidGid` for containers.putArchive — did you mean `copyUIDGID`?'],
  ['putArchive flag as a string', (c) => c.containers.putArchive('c', '/', BYTES, any({ copyUIDGID: 'true' })), 'containers.putArchive: option `copyUIDGID` must be a boolean, got string'],
  ['export options', (c) => c.containers.export('c', any({ path: '/' })), 'unknown option `path` for containers.export'],
  ['exec convenience case', (c) => c.containers.exec('c', ['true'], any({ workingdir: '/' })), 'unknown option `workingdir` for containers.exec — did you mean `workingDir`?'],
  ['exec convenience env', (c) => c.containers.exec('c', ['true'], any({ env: 'A=1' })), 'containers.exec: option `env` must be an array of strings, got string'],
  ['run misspelt', (c) => c.containers.run({ Image: 'x' }, any({ keeep: true })), 'unknown option `keeep` for containers.run — did you mean `keep`?'],
  // exec
  ['exec.create options', (c) => c.exec.create('c', { Cmd: ['true'] }, any({ tty: true })), 'unknown option `tty` for exec.create'],
  ['exec.create config not an object', (c) => c.exec.create('c', any(['true'])), 'exec.create: config must be an object, got an array'],
  ['exec.start wrong type', (c) => c.exec.start('e', any({ detach: 'yes' })), 'exec.start: option `detach` must be a boolean, got string'],
  ['exec.start misspelt', (c) => c.exec.start('e', any({ ttty: true })), 'unknown option `ttty` for exec.start — did you mean `tty`?'],
  ['exec.inspect options', (c) => c.exec.inspect('e', any({ size: true })), 'unknown option `size` for exec.inspect'],
  ['exec.resize misspelt', (c) => c.exec.resize('e', any({ h: 24, w: 80, width: 80 })), 'unknown option `width` for exec.resize — did you mean `w`?'],
  // volumes
  ['volumes.prune misspelt', (c) => c.volumes.prune(any({ filter: {} })), 'unknown option `filter` for volumes.prune — did you mean `filters`?'],
  ['volumes.list filters as a string', (c) => c.volumes.list(any({ filters: 'dangling=true' })), 'volumes.list: option `filters` must be an object, got string'],
  ['volumes.remove wrong type', (c) => c.volumes.remove('v', any({ force: 'true' })), 'volumes.remove: option `force` must be a boolean, got string'],
  ['volumes.inspect options', (c) => c.volumes.inspect('v', any({ force: true })), 'unknown option `force` for volumes.inspect'],
  ['volumes.create config not an object', (c) => c.volumes.create(any('v')), 'volumes.create: config must be an object, got string'],
  ['volumes.create options', (c) => c.volumes.create({}, any({ Name: 'v' })), 'unknown option `Name` for volumes.create'],
  // networks
  ['networks.list misspelt', (c) => c.networks.list(any({ filers: { name: 'n' } })), 'unknown option `filers` for networks.list — did you mean `filters`?'],
  ['networks.inspect misspelt', (c) => c.networks.inspect('n', any({ verbos: true })), 'unknown option `verbos` for networks.inspect — did you mean `verbose`?'],
  ['networks.create options', (c) => c.networks.create({ Name: 'n' }, any({ Internal: true })), 'unknown option `Internal` for networks.create'],
  ['networks.remove options', (c) => c.networks.remove('n', any({ force: true })), 'unknown option `force` for networks.remove'],
  ['networks.prune wrong type', (c) => c.networks.prune(any({ filters: ['until=1h'] })), 'networks.prune: option `filters` must be an object, got an array'],
  // system
  ['system.events misspelt', (c) => c.system.events(any({ filter: {} })).next(), 'unknown option `filter` for system.events — did you mean `filters`?'],
  ['system.events wrong type', (c) => c.system.events(any({ since: true })).next(), 'system.events: `since` must be a Date, a non-negative number of seconds or a non-empty timestamp string, got true'],
  ['system.df wrong type', (c) => c.system.df(any({ type: 'volume' })), 'system.df: option `type` must be an array of strings, got string'],
  ['system.df misspelt', (c) => c.system.df(any({ verbos: true })), 'unknown option `verbos` for system.df — did you mean `verbose`?'],
])('%s: DockerInputError, nothing sent', async (_name, call, message) => {
  const { err, sent } = await refused(call);
  expect(err).toBeInstanceOf(DockerInputError);
  expect((err as Error).message).toBe(message);
  expect(sent).toBe(0);
});

test('valid calls with high-level names and structured values still go out, as the engine reads them', async () => {
  const sent = await engine.withVersion('1.55', async (c) => {
    await c.containers.list({ all: true, limit: 2, filters: { status: 'exited' } });
    await c.containers.stop('c', { t: 5, stopSignal: 'SIGTERM', signal: new AbortController().signal });
    await c.containers.kill('c', { killSignal: 'SIGHUP' });
    await c.containers.logs('c', { tail: 5, tty: true, since: new Date(1_700_000_000_000), timestamps: true });
    await c.containers.putArchive('c', '/tmp', BYTES, { copyUIDGID: true });
    await c.exec.start('e', { detach: true, tty: false });
    await c.volumes.prune({ filters: { label: 'a=b' } });
    await c.networks.list({ filters: { name: 'n' } });
    await c.system.df({ type: ['volume'], verbose: true });
    for await (const e of c.system.events({ since: 1, until: new Date(2000), filters: { type: 'container' } })) expect(e.Action).toBe('start');
  });
  expect(sent.map((s) => `${s.method} ${s.url.pathname}?${s.url.searchParams}`)).toEqual([
    'GET /v1.55/containers/json?all=true&limit=2&filters=%7B%22status%22%3A%5B%22exited%22%5D%7D',
    'POST /v1.55/containers/c/stop?t=5&signal=SIGTERM',
    'POST /v1.55/containers/c/kill?signal=SIGHUP',
    'GET /v1.55/containers/c/logs?timestamps=true&stdout=true&stderr=true&since=1700000000&tail=5',
    'PUT /v1.55/containers/c/archive?path=%2Ftmp&copyUIDGID=true',
    'POST /v1.55/exec/e/start?',
    'POST /v1.55/volumes/prune?filters=%7B%22label%22%3A%5B%22a%3Db%22%5D%7D',
    'GET /v1.55/networks?filters=%7B%22name%22%3A%5B%22n%22%5D%7D',
    'GET /v1.55/system/df?type=volume&verbose=true',
    'GET /v1.55/events?since=1&until=2.000&filters=%7B%22type%22%3A%5B%22container%22%5D%7D',
  ]);
});

test('create bodies are checked to be objects, but fields the spec does not know (newer engines) go through', async () => {
  const sent = await engine.withVersion('1.55', async (c) => {
    await c.containers.create(any({ Image: 'x', FutureField: 1 }), { name: 'n', platform: { os: 'linux', architecture: 'amd64' } });
    await c.exec.create('c', any({ Cmd: ['true'], FutureField: 1 }));
    await c.volumes.create(any({ Name: 'v', FutureField: 1 }));
    await c.networks.create(any({ Name: 'n', Internal: true, FutureField: 1 }));
  });
  expect(sent.map((s) => [s.url.pathname + s.url.search, JSON.parse(s.body).FutureField])).toEqual([
    ['/v1.55/containers/create?name=n&platform=linux%2Famd64', 1],
    ['/v1.55/containers/c/exec', 1],
    ['/v1.55/volumes/create', 1],
    ['/v1.55/networks/create', 1],
  ]);
});

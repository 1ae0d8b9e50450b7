/**
 * docker.system.events and docker.system.df against each real engine (dockerd, Podman); Podman differences are
 * asserted with `engine.differs`. The container whose events are watched is made with raw typed calls
 * (`docker.api`), network `none`, `Cmd: ['true']`, so these tests do not depend on docker.containers.
 */
import { DockerAbortError, DockerApiError, DockerClient, DockerFilterError, DockerInputError, isLegacyDiskUsage, type EventMessage } from '../src/index';
import { engines, type Engine } from './helpers/engines';
import { baseImage } from './helpers/env';

const LABEL = 'dec.test.events';

/** The events until the stream ends, or until `stopWhen` says so (the loop is left with `break`). */
async function collect(events: AsyncIterable<EventMessage>, stopWhen?: (e: EventMessage) => boolean): Promise<EventMessage[]> {
  const out: EventMessage[] = [];
  for await (const e of events) {
    out.push(e);
    if (stopWhen?.(e)) break;
  }
  return out;
}

/** What an iteration saw before it failed, and how it failed. */
async function failure(events: AsyncIterable<EventMessage>, onEvent: (e: EventMessage) => void = () => {}): Promise<{ seen: EventMessage[]; err: unknown }> {
  const seen: EventMessage[] = [];
  try {
    for await (const e of events) {
      seen.push(e);
      onEvent(e);
    }
  } catch (err) {
    return { seen, err };
  }
  return { seen, err: undefined };
}

describe.each(engines())('$name', (engine: Engine) => {
  const RUN = `dec-ev-${engine.name}-${Date.now().toString(36)}-${process.pid}`;
  let docker: DockerClient;
  /** The container's whole life, watched: when it started and ended, its id, the events seen live. */
  let life: { id: string; t0: Date; t1: Date; live: EventMessage[] };
  /** The actions a create → start → exit → remove produces, in order. */
  const expectedActions = (): string[] =>
    engine.differs(
      'podman',
      'Podman reports its own lifecycle steps too (init, cleanup) and says `remove` where dockerd says `destroy`',
      () => {
        const actions = ['create', 'init', 'start', 'die', 'cleanup', 'remove'];
        expect(actions).toContain('remove');
        return actions;
      },
      () => {
        const actions = ['create', 'start', 'die', 'destroy'];
        expect(actions).toContain('destroy');
        return actions;
      },
    );

  beforeAll(async () => {
    docker = engine.client();
    // The watch starts after the create, so `since` (a second back: engine timestamps are its own clock, the same
    // machine's) must replay the create event.
    const t0 = new Date(Date.now() - 1000);
    const { data, error } = await docker.api.POST('/containers/create', {
      params: { query: { name: RUN } },
      body: { Image: baseImage(), Cmd: ['true'], Labels: { [LABEL]: RUN }, HostConfig: { NetworkMode: 'none' } },
    });
    if (!data) throw new Error(`container create failed: ${JSON.stringify(error)}`);
    const id = data.Id;
    const last = engine.name === 'podman' ? 'remove' : 'destroy';
    const watching = collect(docker.system.events({ since: t0, filters: { container: id } }), (e) => e.Action === last);
    const path = { id };
    await docker.raw.unwrap(docker.api.POST('/containers/{id}/start', { params: { path }, parseAs: 'text' }));
    await docker.raw.unwrap(docker.api.POST('/containers/{id}/wait', { params: { path } }));
    await docker.raw.unwrap(docker.api.DELETE('/containers/{id}', { params: { path }, parseAs: 'text' }));
    const live = await watching;
    life = { id, t0, t1: new Date(), live };
  });
  afterAll(() => docker.close());

  describe('events', () => {
    test('filtered by the container id: its whole life in order; `break` ends the watch quietly', () => {
      expect(life.live.map((e) => e.Action)).toEqual(expectedActions());
      for (const e of life.live) {
        expect(e).toMatchObject({ Type: 'container', Actor: { ID: life.id, Attributes: expect.objectContaining({ name: RUN, [LABEL]: RUN }) }, scope: 'local' });
      }
    });

    test('timeNano is the exact decimal string (beyond 2^53), consistent with time', () => {
      for (const e of life.live) {
        expect(e.timeNano).toMatch(/^\d{19}$/);
        const nano = BigInt(e.timeNano!);
        expect(nano > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
        expect(nano / 1_000_000_000n).toBe(BigInt(e.time!));
      }
      const nanos = life.live.map((e) => BigInt(e.timeNano!));
      expect([...nanos].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(nanos);
    });

    test('`until` in the past: a finite replay that ends by itself', async () => {
      const replay = await collect(docker.system.events({ since: life.t0, until: life.t1, filters: { container: life.id } }));
      engine.differs(
        'podman',
        'Podman 4.3 ends a stream whose `until` has passed before replaying anything',
        () => expect(replay).toEqual([]),
        () => expect(replay).toEqual(life.live),
      );
    });

    test('`until` in the future: the stream ends when it is reached', async () => {
      // Nothing matches this filter: the loop can only end because the engine closed the stream at `until`.
      const none = await collect(docker.system.events({ until: new Date(Date.now() + 1500), filters: { container: `${RUN}-never` } }));
      expect(none).toEqual([]);
    });

    test('typed filters: type, event and label narrow the replay (several values of a key are OR-ed)', async () => {
      const until = new Date(Math.max(Date.now(), life.t1.getTime()) + 1500);
      const picked = await collect(
        docker.system.events({ since: life.t0, until, filters: { type: 'container', event: ['start', 'die'], label: { [LABEL]: RUN } } }),
      );
      engine.differs(
        'podman',
        "Podman 4.3 matches the `event` filter against its internal event name: `die` selects nothing (`died` would), though the event is reported as `die`",
        () => expect(picked.map((e) => [e.Action, e.Actor?.ID])).toEqual([['start', life.id]]),
        () =>
          expect(picked.map((e) => [e.Action, e.Actor?.ID])).toEqual([
            ['start', life.id],
            ['die', life.id],
          ]),
      );
    });

    test('an abort rejects the iteration with DockerAbortError: while nothing arrives, after events, and before sending', async () => {
      // The rule of every stream (core/spec.ts CallOptions): an abort is not the end of the stream.
      const idle = new AbortController();
      setTimeout(() => idle.abort(), 300);
      const waiting = await failure(docker.system.events({ filters: { container: `${RUN}-never` }, signal: idle.signal }));
      expect(waiting).toEqual({ seen: [], err: expect.any(DockerAbortError) });

      const busy = new AbortController();
      const replay = await failure(docker.system.events({ since: life.t0, filters: { container: life.id }, signal: busy.signal }), (e) => {
        if (e.Action === 'start') busy.abort(new Error('seen enough'));
      });
      expect(replay.err).toBeInstanceOf(DockerAbortError);
      expect((replay.err as Error).message).toBe('the operation was aborted: seen enough');
      expect(replay.seen.map((e) => e.Action)).toEqual(expectedActions().slice(0, expectedActions().indexOf('start') + 1));

      expect(await failure(docker.system.events({ signal: AbortSignal.abort() }))).toEqual({ seen: [], err: expect.any(DockerAbortError) });
    });

    test('a timestamp the engine cannot parse is its error', async () => {
      const err = await collect(docker.system.events({ since: 'not-a-time', until: '1' })).catch((e: unknown) => e);
      engine.differs(
        'podman',
        'Podman 4.3 does not reject an unparsable `since`: the stream just ends (with `until` passed) and is empty',
        () => expect(err).toEqual([]),
        () => {
          expect(err).toBeInstanceOf(DockerApiError);
          // dockerd 20.10 answers 500 for a timestamp it cannot parse.
          expect(err).toMatchObject({ status: 500 });
        },
      );
    });
  });

  describe('df', () => {
    test('the pre-1.52 shape (both engines speak 1.41): every image, container and volume in full', async () => {
      const name = `${RUN}-vol`;
      await docker.volumes.create({ Name: name, Labels: { [LABEL]: RUN } });
      try {
        const df = await docker.system.df();
        if (!isLegacyDiskUsage(df)) throw new Error(`expected the pre-1.52 df shape, got keys ${Object.keys(df).join(', ')}`);
        expect(typeof df.LayersSize).toBe('number');
        const vol = df.Volumes?.find((v) => v.Name === name);
        expect(vol?.UsageData).toMatchObject({ RefCount: 0 });
        engine.differs(
          'podman',
          "Podman 4.3's df lists a volume with an empty Driver and no Labels",
          () => expect(vol).toMatchObject({ Name: name, Driver: '', Labels: {} }),
          () => expect(vol).toMatchObject({ Name: name, Driver: 'local', Labels: { [LABEL]: RUN } }),
        );
        const base = await docker.images.inspect(baseImage());
        const image = df.Images?.find((i) => i.Id.replace(/^sha256:/, '') === base.Id!.replace(/^sha256:/, ''));
        expect(image?.Size).toBeGreaterThan(0);
        engine.differs(
          'podman',
          'Podman 4.3 reports LayersSize 0, image ids without `sha256:` and a df RepoTag of only the tag (`latest`)',
          () => {
            expect(df.LayersSize).toBe(0);
            expect(image?.Id).not.toMatch(/^sha256:/);
            expect(image?.RepoTags).toEqual(['latest']);
          },
          () => {
            expect(df.LayersSize).toBeGreaterThan(0);
            expect(image?.Id).toMatch(/^sha256:/);
            expect(image?.RepoTags).toEqual([baseImage()]);
          },
        );
      } finally {
        await docker.volumes.remove(name);
      }
    });

    test('`type` (1.42) and `verbose` (1.52) are refused on a 1.41 engine; `verbose: false` and an empty type list are not', async () => {
      await expect(docker.system.df({ type: ['volume'] })).rejects.toThrow(
        new DockerInputError('system.df: option "type" needs Engine API v1.42 or newer, but this engine speaks v1.41 (an older engine would silently ignore it)'),
      );
      await expect(docker.system.df({ verbose: true })).rejects.toThrow(/system\.df: option "verbose" needs Engine API v1\.52/);
      expect(isLegacyDiskUsage(await docker.system.df({ verbose: false, type: [] }))).toBe(true);
    });
  });
});

describe('events input checks (refused before anything is sent: the client has no engine)', () => {
  const docker = new DockerClient({ socketPath: '/nonexistent/dec.sock', apiVersion: '1.41' });
  afterAll(() => docker.close());

  test.each([
    ['since', -1],
    ['until', Number.NaN],
    ['since', new Date('nope')],
    ['until', ''],
    ['since', {}],
  ])('%s = %p → DockerInputError', async (key, value) => {
    const err = await collect(docker.system.events({ [key]: value } as never)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toMatch(new RegExp(`^system\\.events: \`${key}\` must be a Date, a non-negative number of seconds or a non-empty timestamp string`));
  });

  test('unknown filter key → DockerFilterError', async () => {
    const err = await collect(docker.system.events({ filters: { kind: 'container' } as never })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerFilterError);
    expect((err as Error).message).toMatch(/unknown system\.events filter "kind" \(allowed: config, container, daemon, event, image, label/);
  });
});

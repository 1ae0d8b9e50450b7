/**
 * docker.volumes and docker.networks against each real engine (dockerd, Podman): round trips, filters, prune by
 * label, version gates and input checks. Where Podman answers differently the test asserts what it does
 * (`engine.differs`). Everything carries this run's label and is removed in afterAll.
 *
 * Network rule: every network created here is `Internal: true`; containers are only created, never started, and
 * run no process on any network. Connect/disconnect needs a container that is on a network already: dockerd
 * refuses to connect one created with network mode `none` (asserted below), and the rig's dockerd has no default
 * bridge (`--bridge=none`), so the container is created *on* one internal network of this run and is then
 * connected to, and disconnected from, a second internal one.
 */
import { DockerApiError, DockerClient, DockerFilterError, DockerInputError, type NetworkInspect } from '../src/index';
import { engines, type Engine } from './helpers/engines';
import { baseImage } from './helpers/env';

const LABEL = 'dec.test.vn';

/** What a call rejected with (its value when it resolved: the assertions after it then fail). */
const rejection = (p: Promise<unknown>): Promise<unknown> => p.catch((err: unknown) => err);

/** Why Podman's networks differ on this rig (scripts/engine.sh gives it the CNI backend with no plugins). */
const PODMAN_CNI =
  'the rig runs Podman with the CNI backend and an empty plugin dir (no bridge on purpose): network create ' +
  'answers 201 and writes the config, but Podman cannot load a network whose plugin is missing, so the new ' +
  'network is never found afterwards (inspect/remove/connect 404, not listed)';

describe.each(engines())('$name', (engine: Engine) => {
  const RUN = `dec-vn-${engine.name}-${Date.now().toString(36)}-${process.pid}`;
  const labels = (extra: Record<string, string> = {}) => ({ [LABEL]: RUN, ...extra });
  let docker: DockerClient;
  const volumes: string[] = [];
  const networks: string[] = [];
  const containers: string[] = [];

  /** A container that is created and never started (raw typed call: containers.* is tested elsewhere). */
  async function createdContainer(networkMode: string | undefined): Promise<string> {
    const { data, error } = await docker.api.POST('/containers/create', {
      params: { query: { name: `${RUN}-c${containers.length}` } },
      body: { Image: baseImage(), Cmd: ['true'], Labels: labels(), HostConfig: networkMode === undefined ? {} : { NetworkMode: networkMode } },
    });
    if (!data) throw new Error(`container create failed: ${JSON.stringify(error)}`);
    containers.push(data.Id);
    return data.Id;
  }

  async function containerNetworks(id: string): Promise<string[]> {
    const { data } = await docker.api.GET('/containers/{id}/json', { params: { path: { id } } });
    return Object.keys(data?.NetworkSettings?.Networks ?? {}).sort();
  }

  async function volume(suffix: string, extra: Record<string, string> = {}): Promise<string> {
    const v = await docker.volumes.create({ Name: `${RUN}-${suffix}`, Labels: labels(extra) });
    volumes.push(v.Name);
    return v.Name;
  }

  async function network(suffix: string, extra: Record<string, string> = {}): Promise<{ name: string; id: string }> {
    const name = `${RUN}-${suffix}`;
    const { Id } = await docker.networks.create({ Name: name, Internal: true, Labels: labels(extra) });
    networks.push(name);
    return { name, id: Id };
  }

  beforeAll(() => {
    docker = engine.client();
  });
  afterAll(async () => {
    await Promise.all(containers.map((id) => docker.api.DELETE('/containers/{id}', { params: { path: { id }, query: { force: true } } }).catch(() => {})));
    await Promise.all(networks.map((n) => docker.networks.remove(n).catch(() => {})));
    await Promise.all(volumes.map((v) => docker.volumes.remove(v, { force: true }).catch(() => {})));
    await docker.close();
  });

  describe('volumes', () => {
    test('create → inspect → list by label and name → remove → 404', async () => {
      const created = await docker.volumes.create({ Name: `${RUN}-a`, Labels: labels({ role: 'a' }) });
      volumes.push(created.Name);
      expect(created).toMatchObject({ Name: `${RUN}-a`, Driver: 'local', Scope: 'local', Labels: labels({ role: 'a' }) });
      expect(created.Mountpoint).toContain(`${RUN}-a`);
      const inspected = await docker.volumes.inspect(created.Name);
      expect(inspected).toMatchObject({ Name: created.Name, Mountpoint: created.Mountpoint, Labels: created.Labels });

      await volume('b', { role: 'b' });
      const byLabel = await docker.volumes.list({ filters: { label: `${LABEL}=${RUN}` } });
      expect(byLabel.Volumes?.map((v) => v.Name).sort()).toEqual([`${RUN}-a`, `${RUN}-b`]);
      engine.differs(
        'podman',
        'Podman answers an empty Warnings list where dockerd sends null',
        () => expect(byLabel.Warnings).toEqual([]),
        () => expect(byLabel.Warnings).toBeNull(),
      );
      const both = await docker.volumes.list({ filters: { label: { [LABEL]: RUN, role: 'a' } } });
      engine.differs(
        'podman',
        'Podman 4.3 ORs filters — several `label` values and different keys alike; dockerd ANDs them',
        () => expect(both.Volumes?.map((v) => v.Name).sort()).toEqual([`${RUN}-a`, `${RUN}-b`]),
        () => expect(both.Volumes?.map((v) => v.Name)).toEqual([`${RUN}-a`]),
      );
      // Several values of one key are OR-ed on both engines; `name` matches a part of the name.
      const byName = await docker.volumes.list({ filters: { name: [`${RUN}-a`, `${RUN}-b`] } });
      expect(byName.Volumes?.map((v) => v.Name).sort()).toEqual([`${RUN}-a`, `${RUN}-b`]);
      expect((await docker.volumes.list({ filters: { name: RUN } })).Volumes?.length).toBe(2);
      // Different keys. (No `dangling` here: on Podman its answer changed from call to call while the other suite
      // ran containers on the same engine.)
      const andDriver = await docker.volumes.list({ filters: { name: `${RUN}-a`, driver: 'local' } });
      const andLabel = await docker.volumes.list({ filters: { name: `${RUN}-a`, label: `${LABEL}=${RUN}` } });
      engine.differs(
        'podman',
        'Podman 4.3 ORs different filter keys: name OR driver lists every local volume, name OR label both of this run',
        () => {
          expect(andDriver.Volumes?.map((v) => v.Name)).toEqual(expect.arrayContaining([`${RUN}-a`, `${RUN}-b`]));
          expect(andLabel.Volumes?.map((v) => v.Name).sort()).toEqual([`${RUN}-a`, `${RUN}-b`]);
        },
        () => {
          expect(andDriver.Volumes?.map((v) => v.Name)).toEqual([`${RUN}-a`]);
          expect(andLabel.Volumes?.map((v) => v.Name)).toEqual([`${RUN}-a`]);
        },
      );
      await engine.differs(
        'podman',
        'the `dangling` volume filter of Podman 4.3 answered differently from call to call while containers came and went',
        async () => expect((await docker.volumes.list({ filters: { name: RUN } })).Volumes?.length).toBe(2),
        async () => {
          expect((await docker.volumes.list({ filters: { name: RUN, dangling: true } })).Volumes?.length).toBe(2);
          expect((await docker.volumes.list({ filters: { name: RUN, dangling: false } })).Volumes).toEqual([]);
        },
      );

      await docker.volumes.remove(created.Name);
      const gone = await rejection(docker.volumes.inspect(created.Name));
      expect(gone).toBeInstanceOf(DockerApiError);
      expect(gone).toMatchObject({ status: 404, isNotFound: true });
      await expect(docker.volumes.remove(created.Name)).rejects.toMatchObject({ status: 404 });
    });

    test('a volume without a name gets a generated one', async () => {
      const anon = await docker.volumes.create({ Labels: labels({ role: 'anon' }) });
      volumes.push(anon.Name);
      expect(anon.Name).toMatch(/^[0-9a-f]{64}$/);
      const unlabelled = await docker.volumes.create();
      volumes.push(unlabelled.Name);
      expect(unlabelled.Name).toMatch(/^[0-9a-f]{64}$/);
    });

    test('a volume a container uses cannot be removed (409) until forced or the container is gone', async () => {
      const name = await volume('used');
      const { data } = await docker.api.POST('/containers/create', {
        params: { query: { name: `${RUN}-uses-volume` } },
        body: { Image: baseImage(), Cmd: ['true'], Labels: labels(), HostConfig: { NetworkMode: 'none', Binds: [`${name}:/data`] } },
      });
      containers.push(data!.Id);
      await expect(docker.volumes.remove(name)).rejects.toMatchObject({ status: 409 });
      await docker.api.DELETE('/containers/{id}', { params: { path: { id: data!.Id }, query: { force: true } } });
      await docker.volumes.remove(name);
      await expect(docker.volumes.inspect(name)).rejects.toMatchObject({ status: 404 });
    });

    test('prune by label removes only the unused labelled volumes (named ones too: both engines speak API 1.41)', async () => {
      // One label per filter: Podman ORs several (see above), and prune must not depend on that.
      const keep = await volume('keep', { [`${LABEL}.keep`]: RUN });
      const drop = await volume('drop', { [`${LABEL}.drop`]: RUN });
      const result = await docker.volumes.prune({ filters: { label: { [`${LABEL}.drop`]: RUN } } });
      expect(result.VolumesDeleted).toEqual([drop]);
      expect(typeof result.SpaceReclaimed).toBe('number');
      expect((await docker.volumes.inspect(keep)).Name).toBe(keep);
      // `label!`: every unused volume of this run except `keep`.
      const others = docker.volumes.prune({ filters: { label: `${LABEL}=${RUN}`, 'label!': `${LABEL}.keep` } });
      await engine.differs(
        'podman',
        'Podman 4.3 has no `label!` volume prune filter (500 "invalid volume filter")',
        async () => expect(others).rejects.toMatchObject({ status: 500, daemonMessage: expect.stringContaining('"label!" is an invalid volume filter') }),
        async () => {
          expect((await others).VolumesDeleted).not.toContain(keep);
          expect((await others).VolumesDeleted?.length).toBeGreaterThan(0);
        },
      );
      expect((await docker.volumes.inspect(keep)).Name).toBe(keep);
    });

    test('prune filter `all` (API 1.42): `true` is what a 1.41 engine does anyway and is not sent; `false` is refused', async () => {
      expect(await docker.negotiate()).toBe('1.41');
      const drop = await volume('all-true', { [`${LABEL}.all`]: RUN });
      // Sent as is, the key would be answered 400 (dockerd) / 500 (Podman): "invalid filter 'all'".
      const result = await docker.volumes.prune({ filters: { all: true, label: { [`${LABEL}.all`]: RUN } } });
      expect(result.VolumesDeleted).toEqual([drop]);
      const refused = await rejection(docker.volumes.prune({ filters: { all: false, label: { [LABEL]: RUN } } }));
      expect(refused).toBeInstanceOf(DockerInputError);
      expect((refused as Error).message).toMatch(/volumes\.prune: filter "all": false needs Engine API v1\.42 or newer, but this engine speaks v1\.41/);
    });
  });

  describe('networks', () => {
    test('create (Internal) → inspect → list by filters → remove', async () => {
      const { name, id } = await network('n1', { role: 'n1' });
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      await engine.differs(
        'podman',
        PODMAN_CNI,
        async () => {
          await expect(docker.networks.inspect(name)).rejects.toMatchObject({ status: 404 });
          expect(await docker.networks.list({ filters: { label: { [LABEL]: RUN } } })).toEqual([]);
          await expect(docker.networks.remove(name)).rejects.toMatchObject({ status: 404 });
        },
        async () => {
          const inspected: NetworkInspect = await docker.networks.inspect(name);
          expect(inspected).toMatchObject({ Name: name, Id: id, Internal: true, Driver: 'bridge', Scope: 'local', Labels: labels({ role: 'n1' }) });
          expect(await docker.networks.inspect(id, { verbose: true, scope: 'local' })).toMatchObject({ Name: name });
          const listed = await docker.networks.list({ filters: { label: { [LABEL]: RUN, role: 'n1' }, type: 'custom', driver: 'bridge', scope: 'local' } });
          expect(listed.map((n) => n.Name)).toEqual([name]);
          expect((await docker.networks.list({ filters: { id: id.slice(0, 12), name } })).map((n) => n.Id)).toEqual([id]);
          expect((await docker.networks.list({ filters: { name, type: 'builtin' } }))).toEqual([]);
          await docker.networks.remove(name);
          await expect(docker.networks.inspect(name)).rejects.toMatchObject({ status: 404 });
        },
      );
    });

    test('built-in networks: the `type` and `scope` filters', async () => {
      await engine.differs(
        'podman',
        'Podman lists its default network as `bridge` and rejects the `type` and `scope` list filters (500 "invalid filter")',
        async () => {
          expect((await docker.networks.list({ filters: { driver: 'bridge' } })).map((n) => n.Name)).toEqual(['bridge']);
          await expect(docker.networks.list({ filters: { type: 'builtin' } })).rejects.toMatchObject({ status: 500, daemonMessage: 'invalid filter "type"' });
          await expect(docker.networks.list({ filters: { scope: 'local' } })).rejects.toMatchObject({ status: 500, daemonMessage: 'invalid filter "scope"' });
        },
        async () => {
          // --bridge=none: no `bridge` network on this dockerd.
          expect((await docker.networks.list({ filters: { type: 'builtin' } })).map((n) => n.Name).sort()).toEqual(['host', 'none']);
          expect((await docker.networks.list({ filters: { type: 'builtin', scope: 'swarm' } }))).toEqual([]);
        },
      );
    });

    test('connect and disconnect a created, never-started container', async () => {
      await engine.differs(
        'podman',
        `${PODMAN_CNI}; so the round trip uses Podman's own default network (\`bridge\`), which a container created ` +
          'without a network mode is on: the container is never started, nothing is configured on the host',
        async () => {
          const { name } = await network('pc');
          const id = await createdContainer(undefined);
          expect(await containerNetworks(id)).toEqual(['podman']);
          await expect(docker.networks.connect(name, id)).rejects.toMatchObject({ status: 404 });
          await docker.networks.disconnect('bridge', id);
          expect(await containerNetworks(id)).toEqual([]);
          await docker.networks.connect('bridge', id, { EndpointConfig: { Aliases: ['dec-alias'] } });
          expect(await containerNetworks(id)).toEqual(['podman']);
          const bridge = await docker.networks.inspect('bridge');
          expect(Object.keys(bridge.Containers ?? {})).toContain(id);
        },
        async () => {
          const a = await network('ca');
          const b = await network('cb');
          const id = await createdContainer(a.name);
          expect(await containerNetworks(id)).toEqual([a.name]);
          await docker.networks.connect(b.id, id, { EndpointConfig: { Aliases: ['dec-alias'] } });
          expect(await containerNetworks(id)).toEqual([a.name, b.name].sort());
          const { data } = await docker.api.GET('/containers/{id}/json', { params: { path: { id } } });
          // The endpoint itself (NetworkID, addresses) is made only when the container starts.
          expect(data?.NetworkSettings?.Networks?.[b.name]).toMatchObject({ NetworkID: '', Aliases: expect.arrayContaining(['dec-alias']) });
          await docker.networks.disconnect(b.name, id);
          expect(await containerNetworks(id)).toEqual([a.name]);
          // Disconnecting again: the engine says it is not connected.
          await expect(docker.networks.disconnect(b.name, id)).rejects.toBeInstanceOf(DockerApiError);
        },
      );
    });

    test('a container created with network mode `none` cannot be connected', async () => {
      const id = await createdContainer('none');
      const other = engine.name === 'podman' ? 'bridge' : (await network('nn')).name;
      const err = await rejection(docker.networks.connect(other, id));
      expect(err).toBeInstanceOf(DockerApiError);
      engine.differs(
        'podman',
        'Podman answers 500 with "invalid network mode" where dockerd answers 400',
        () => expect(err).toMatchObject({ status: 500, daemonMessage: expect.stringContaining('invalid network mode') }),
        () => expect(err).toMatchObject({ status: 400, daemonMessage: expect.stringContaining('private (none) mode') }),
      );
      engine.differs(
        'podman',
        'Podman reports no network at all for a container in network mode none',
        async () => expect(await containerNetworks(id)).toEqual([]),
        async () => expect(await containerNetworks(id)).toEqual(['none']),
      );
    });

    test('prune by label removes only the unused labelled networks', async () => {
      const keep = await network('pkeep', { [`${LABEL}.keep`]: RUN });
      const drop = await network('pdrop', { [`${LABEL}.drop`]: RUN });
      // Created within the last hour: `until: '1h'` spares them (dockerd then answers null, not an empty list).
      const young = await docker.networks.prune({ filters: { label: { [`${LABEL}.drop`]: RUN }, until: '1h' } });
      const result = await docker.networks.prune({ filters: { label: { [`${LABEL}.drop`]: RUN } } });
      await engine.differs(
        'podman',
        `${PODMAN_CNI}: prune finds nothing to delete`,
        async () => {
          expect(young).toEqual({ NetworksDeleted: [] });
          expect(result).toEqual({ NetworksDeleted: [] });
        },
        async () => {
          expect(young).toEqual({ NetworksDeleted: null });
          expect(result.NetworksDeleted).toEqual([drop.name]);
          await expect(docker.networks.inspect(drop.id)).rejects.toMatchObject({ status: 404 });
          expect((await docker.networks.inspect(keep.id)).Name).toBe(keep.name);
        },
      );
    });
  });
});

describe('input and version checks (refused before anything is sent: the client has no engine)', () => {
  // Nothing listens on this socket: a check that let the request through would fail with a connection error.
  const docker = new DockerClient({ socketPath: '/nonexistent/dec.sock', apiVersion: '1.41' });
  afterAll(() => docker.close());

  test('bad names, configs and options', async () => {
    await expect(docker.volumes.inspect('')).rejects.toThrow(new DockerInputError('volumes.inspect: `name` must be a non-empty string, got ""'));
    await expect(docker.volumes.remove(undefined as unknown as string)).rejects.toBeInstanceOf(DockerInputError);
    await expect(docker.volumes.create('x' as never)).rejects.toThrow(/volumes\.create: config must be an object, got string/);
    await expect(docker.volumes.create({ Name: '' })).rejects.toBeInstanceOf(DockerInputError);
    await expect(docker.networks.create(undefined as never)).rejects.toThrow(/networks\.create: config \{ Name, … \} is required/);
    await expect(docker.networks.create({ Internal: true } as never)).rejects.toThrow(/networks\.create: `Name` must be a non-empty string/);
    await expect(docker.networks.connect('n', '')).rejects.toThrow(/networks\.connect: `container` must be a non-empty string/);
    await expect(docker.networks.disconnect('', 'c')).rejects.toThrow(/networks\.disconnect: `id` must be a non-empty string/);
    await expect(docker.networks.list([] as never)).rejects.toThrow(/networks\.list: options must be an object, got an array/);
  });

  test('unknown or mistyped filters are DockerFilterErrors naming the allowed keys', async () => {
    const err = await rejection(docker.volumes.list({ filters: { until: '1h' } as never }));
    expect(err).toBeInstanceOf(DockerFilterError);
    expect((err as Error).message).toBe('unknown volumes.list filter "until" (allowed: dangling, driver, label, name)');
    await expect(docker.networks.prune({ filters: { dangling: true } as never })).rejects.toBeInstanceOf(DockerFilterError);
    await expect(docker.networks.list({ filters: { dangling: 'yes' as never } })).rejects.toThrow(/filter "dangling" must be a boolean/);
  });

  test('request-body fields newer than the engine are refused, naming the field and both versions', async () => {
    await expect(docker.networks.create({ Name: 'x', Internal: true, EnableIPv4: false })).rejects.toThrow(
      new DockerInputError('networks.create: body field "EnableIPv4" needs Engine API v1.48 or newer, but this engine speaks v1.41 (an older engine would silently ignore it)'),
    );
    await expect(docker.networks.connect('n', 'c', { EndpointConfig: { MacAddress: '02:42:ac:11:00:02' } })).rejects.toThrow(/field "EndpointConfig\.MacAddress" needs Engine API v1\.54/);
    await expect(docker.networks.connect('n', 'c', { EndpointConfig: { DNSNames: ['a'] } })).rejects.toThrow(/field "EndpointConfig\.DNSNames" needs Engine API v1\.44/);
    await expect(docker.volumes.create({ Name: 'x', ClusterVolumeSpec: {} })).rejects.toThrow(/volumes\.create: body field "ClusterVolumeSpec" needs Engine API v1\.42/);
  });
});

import { API_SINCE } from '../../generated/api-since';
import { DockerInputError } from '../../src/core/errors';
import { gateBody, hasBodyField } from '../../src/core/since-body';

describe('hasBodyField', () => {
  test('plain paths, array elements ([]) and map values (*)', () => {
    const body = {
      HostConfig: { Annotations: { a: 'b' }, Mounts: [{ Type: 'bind' }, { BindOptions: { CreateMountpoint: false } }] },
      NetworkingConfig: { EndpointsConfig: { none: {}, other: { MacAddress: '02:42:ac:11:00:02' } } },
    };
    expect(hasBodyField(body, 'HostConfig.Annotations')).toBe(true);
    // false is a value the caller set: the engine would be asked for it.
    expect(hasBodyField(body, 'HostConfig.Mounts[].BindOptions.CreateMountpoint')).toBe(true);
    expect(hasBodyField(body, 'HostConfig.Mounts[].VolumeOptions.Subpath')).toBe(false);
    expect(hasBodyField(body, 'NetworkingConfig.EndpointsConfig.*.MacAddress')).toBe(true);
    expect(hasBodyField(body, 'NetworkingConfig.EndpointsConfig.*.DNSNames')).toBe(false);
    expect(hasBodyField({ HostConfig: { Annotations: null } }, 'HostConfig.Annotations')).toBe(false);
    expect(hasBodyField(undefined, 'HostConfig')).toBe(false);
  });
});

describe('gateBody over the generated ContainerCreate row', () => {
  const since = API_SINCE.ContainerCreate.body;

  test('refuses a field newer than the engine, naming field and versions', () => {
    expect(() => gateBody(since, 'containers.create', '1.41', { Image: 'x', HostConfig: { Annotations: { k: 'v' } } })).toThrow(DockerInputError);
    expect(() => gateBody(since, 'containers.create', '1.41', { Image: 'x', HostConfig: { Annotations: { k: 'v' } } })).toThrow(
      'containers.create: body field "HostConfig.Annotations" needs Engine API v1.43 or newer, but this engine speaks v1.41',
    );
  });

  test('lets through what the engine knows, and bodies without new fields', () => {
    expect(() => gateBody(since, 'containers.create', '1.43', { Image: 'x', HostConfig: { Annotations: { k: 'v' } } })).not.toThrow();
    expect(() => gateBody(since, 'containers.create', '1.41', { Image: 'x', HostConfig: { NetworkMode: 'none', CgroupnsMode: 'private' } })).not.toThrow();
    expect(() => gateBody(since, 'containers.create', '1.40', { Image: 'x', HostConfig: { CgroupnsMode: 'private' } })).toThrow('v1.41');
  });
});

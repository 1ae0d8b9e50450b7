import { DockerStreamError } from '../../src/core/errors';
import { StreamOperation, type StreamReducer } from '../../src/streams/stream-operation';
import { buildReducer, importReducer, loadReducer, pullReducer, pushReducer } from '../../src/images/reducers';
import { chunks, recorded } from './stream-bodies';

/** Result of running a recorded body (cut into 7-byte chunks) through a reducer. */
function run<E extends object, R>(name: string, reducer: StreamReducer<E, R>): Promise<R> {
  return Promise.resolve(new StreamOperation<E, R>(Promise.resolve(chunks(recorded(name))), reducer));
}

function body(...lines: object[]): AsyncIterable<Uint8Array> {
  return chunks(Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'));
}

const BUILT = 'sha256:baab356877fc2b5c11a0ac450612a85e624e3b5937df69d02707d3c701508299';

describe('pull', () => {
  it('dockerd: last status and the digest', async () => {
    await expect(run('dockerd-pull', pullReducer())).resolves.toEqual({
      status: 'Status: Downloaded newer image for 127.0.0.1:5417/big:1',
      digest: 'sha256:82d1f6b9ec05c980a57a07cc7194bab71f3f375c9d1f48b056689989c3a6e2e8',
    });
  });
  it('podman: final "Download complete" carries the short image id', async () => {
    await expect(run('podman-pull', pullReducer())).resolves.toEqual({ status: 'Download complete', id: '5c0af77214e8' });
  });
  it('dockerd stream cut after a layer finished is not success', async () => {
    const op = new StreamOperation(
      Promise.resolve(body({ status: 'Pulling from bb', id: '1' }, { status: 'Pull complete', progressDetail: {}, id: 'c31af6f5247d' })),
      pullReducer(),
    );
    await expect(op).rejects.toThrow('pull failed: stream ended without its final status (last status: "Pull complete")');
  });
  it('empty body', async () => {
    await expect(new StreamOperation(Promise.resolve(body()), pullReducer())).rejects.toThrow('pull failed: stream ended without any status');
  });
});

describe('push', () => {
  it('dockerd: tag, digest and size from the aux message', async () => {
    await expect(run('dockerd-push', pushReducer())).resolves.toEqual({
      tag: '1',
      digest: 'sha256:d6d897ed29deb953d4331bbebdf4d857a4743d3289073b60b2628a7ac79f26f3',
      size: 527,
    });
  });
  it('podman: no aux message, parsed from the "<tag>: digest: … size: …" status', async () => {
    await expect(run('podman-push', pushReducer())).resolves.toEqual({
      tag: '1',
      digest: 'sha256:8c4fce111950f357189c8b00816212150258c77f1b08e5b77af3f02875310798',
      size: 427,
    });
  });
  it('aux wins over the status line', async () => {
    const op = new StreamOperation(
      Promise.resolve(body({ status: 'x: digest: sha256:aaa size: 1' }, { progressDetail: {}, aux: { Tag: 'y', Digest: 'sha256:bbb', Size: 2 } })),
      pushReducer(),
    );
    await expect(op).resolves.toEqual({ tag: 'y', digest: 'sha256:bbb', size: 2 });
  });
  it.each(['dockerd-push-badauth', 'podman-push-badauth'])('%s: a wrong password rejects with the registry text', async (name) => {
    const err: DockerStreamError = await run(name, pushReducer()).then(
      () => {
        throw new Error('resolved');
      },
      (e: DockerStreamError) => e,
    );
    expect(err).toBeInstanceOf(DockerStreamError);
    expect(err.daemonMessage).toMatch(/unauthorized: authentication required$/);
  });
  it('a push stream without a digest is not success', async () => {
    const op = new StreamOperation(Promise.resolve(body({ status: 'The push refers to repository [r/x]' }, { status: 'Preparing', id: 'abc' })), pushReducer());
    await expect(op).rejects.toThrow('push failed: stream ended without the pushed digest');
  });
});

describe('build', () => {
  it('classic multi-stage: the LAST aux ID (one is sent per stage) and the tags', async () => {
    await expect(run('dockerd-build-classic', buildReducer({ tags: ['demo:1', 'demo:2'] }))).resolves.toEqual({ id: BUILT, tags: ['demo:1', 'demo:2'] });
  });
  it('classic quiet: the ID line; requested tags returned since none are reported', async () => {
    await expect(run('dockerd-build-quiet', buildReducer({ tags: ['demo:q'] }))).resolves.toEqual({ id: BUILT, tags: ['demo:q'] });
  });
  it('buildkit (version=2): ID from the moby.image.id aux, trace aux strings ignored', async () => {
    await expect(run('dockerd-build-buildkit', buildReducer({ tags: ['demo:bk'] }))).resolves.toEqual({
      id: 'sha256:1c3d3ab0cbf6fcffe1fa72782495ba89bffd72abfd9e1d4a3bdb27d053067d5f',
      tags: ['demo:bk'],
    });
  });
  it('podman: tags reported twice (qualified and short) come out once, in familiar form', async () => {
    await expect(run('podman-build', buildReducer())).resolves.toEqual({
      id: 'sha256:d930ff1a72909b3d8ac91da0269dc74734766ec2e1aadd843d2c1262758665e3',
      tags: ['demo:1', 'demo:2'],
    });
  });
  it('podman quiet: a bare hex ID line becomes sha256:…', async () => {
    await expect(run('podman-build-quiet', buildReducer())).resolves.toEqual({
      id: 'sha256:d930ff1a72909b3d8ac91da0269dc74734766ec2e1aadd843d2c1262758665e3',
      tags: [],
    });
  });
  it.each([
    ['dockerd-build-fail', "The command '/bin/sh -c echo failing-step && exit 3' returned a non-zero code: 3"],
    ['dockerd-build-buildkit-fail', 'executor failed running [/bin/sh -c echo failing-step && exit 3]: exit code: 3'],
    ['podman-build-fail', 'building at STEP "RUN echo failing-step && exit 3": while running runtime: exit status 3\n'],
  ])('%s rejects with the daemon text', async (name, text) => {
    await expect(run(name, buildReducer())).rejects.toEqual(new DockerStreamError('build', text));
    await expect(run(name, buildReducer())).rejects.toHaveProperty('daemonMessage', text);
  });
  it('a build stream without any ID is not success', async () => {
    const op = new StreamOperation(Promise.resolve(body({ stream: 'Step 1/2 : FROM bb:1' }, { stream: '\n' })), buildReducer({ tags: ['x'] }));
    await expect(op).rejects.toThrow('build failed: stream ended without an image ID');
  });
});

describe('import', () => {
  it.each([
    ['dockerd-import', 'sha256:a346f5c6a4f199c31422c1ff78d219c1408eb9143144bceb4f22a658c4fe2a6e'],
    ['podman-import', 'sha256:ad1c18cd062f4ae111c4eaea00a2d07c3c51088350daff1659a8ba86c335dab2'],
  ])('%s', async (name, id) => {
    await expect(run(name, importReducer())).resolves.toEqual({ id });
  });
  it('without an ID line is not success', async () => {
    await expect(new StreamOperation(Promise.resolve(body({ status: 'Importing' })), importReducer())).rejects.toThrow(
      'import failed: stream ended without the imported image ID',
    );
  });
});

describe('load', () => {
  it.each([
    ['dockerd-load', { names: ['demo:1', 'bb:1'], ids: [] }],
    ['dockerd-load-quiet', { names: ['demo:1', 'bb:1'], ids: [] }],
    ['dockerd-load-id', { names: [], ids: ['sha256:a346f5c6a4f199c31422c1ff78d219c1408eb9143144bceb4f22a658c4fe2a6e'] }],
    // Podman: one line, names joined by commas, fully qualified; untagged images as IDs.
    ['podman-load', { names: ['demo:1', 'localhost/bb:1'], ids: [] }],
    ['podman-load-id', { names: [], ids: ['sha256:a346f5c6a4f199c31422c1ff78d219c1408eb9143144bceb4f22a658c4fe2a6e'] }],
  ])('%s', async (name, expected) => {
    await expect(run(name, loadReducer())).resolves.toEqual(expected);
  });
  it('a load stream that names no image is not success', async () => {
    const op = new StreamOperation(Promise.resolve(body({ status: 'Loading layer', progressDetail: { current: 1, total: 2 }, id: 'abc' })), loadReducer());
    await expect(op).rejects.toThrow('load failed: stream ended without reporting a loaded image');
  });
  it('an error line (not a tar archive) rejects', async () => {
    const op = new StreamOperation(
      Promise.resolve(body({ errorDetail: { message: 'open /var/lib/docker/tmp/docker-import-1/repositories: no such file or directory' }, error: 'x' })),
      loadReducer(),
    );
    await expect(op).rejects.toThrow('load failed: open /var/lib/docker/tmp/docker-import-1/repositories: no such file or directory');
  });
});

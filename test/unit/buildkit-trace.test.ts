/**
 * BuildKit trace decoding against bodies recorded from dockerd 20.10.24 (test/unit/streams/README.md), cut at every
 * byte offset; the step view folded from them; and the failure that names the step.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { TimestampSchema } from '@bufbuild/protobuf/wkt';
import {
  StatusResponseSchema,
  VertexLogSchema,
  type StatusResponse,
  VertexSchema,
} from '../../generated/buildkit/github.com/moby/buildkit/api/services/control/control_pb';
import { DockerBuildError, DockerProtocolError, DockerStreamError } from '../../src/core/errors';
import { decodeJsonLines } from '../../src/streams/json-lines';
import { decodeBuildkitTraces, type BuildkitStatus } from '../../src/streams/buildkit-events';
import { BuildkitSteps } from '../../src/images/buildkit-steps';
import { buildkitReducer } from '../../src/images/buildkit-build';
import { BuildView } from '../../src/images/build-view';

const ROOT = resolve(__dirname, '../..');
const OK = readFileSync(join(__dirname, 'streams', 'dockerd-build-buildkit.jsonl'));
const FAIL = readFileSync(join(__dirname, 'streams', 'dockerd-build-buildkit-fail.jsonl'));

async function* cut(bytes: Uint8Array, at: number): AsyncGenerator<Uint8Array> {
  if (at > 0) yield bytes.subarray(0, at);
  if (at < bytes.length) yield bytes.subarray(at);
}

async function events(body: AsyncIterable<Uint8Array>): Promise<any[]> {
  const out: any[] = [];
  for await (const e of decodeBuildkitTraces(decodeJsonLines(body))) out.push(e);
  return out;
}

function stepsOf(list: any[]): BuildkitSteps {
  const steps = new BuildkitSteps();
  for (const e of list) if (e.buildkit) steps.update(e.buildkit);
  return steps;
}

/** A trace line carrying `status` (a protobuf-es message, as the decoder makes them), as dockerd writes it. */
function traceLine(status: StatusResponse): string {
  return JSON.stringify({ id: 'moby.buildkit.trace', aux: Buffer.from(toBinary(StatusResponseSchema, status)).toString('base64') });
}

describe('BuildKit trace decoding (recorded dockerd 20.10 bodies)', () => {
  it('decodes every trace line of a successful multi-stage build into typed StatusResponses', async () => {
    const list = await events(cut(OK, 0));
    const traces = list.filter((e) => e.id === 'moby.buildkit.trace');
    expect(traces.length).toBe(22);
    for (const t of traces) {
      expect(typeof t.aux).toBe('string');
      expect(Array.isArray(t.buildkit.vertexes)).toBe(true);
    }
    // Non-trace lines pass through untouched.
    expect(list.filter((e) => !e.buildkit)).toEqual([
      { id: 'moby.image.id', aux: { ID: 'sha256:1c3d3ab0cbf6fcffe1fa72782495ba89bffd72abfd9e1d4a3bdb27d053067d5f' } },
      { stream: 'Successfully tagged demo:bk\n' },
    ]);
    const steps = stepsOf(list).steps;
    expect(steps.map((s) => s.name)).toEqual([
      '[internal] load remote build context',
      'copy /context /',
      '[internal] load metadata for docker.io/library/bb:1',
      '[base 2/2] RUN echo hi > /a',
      '[stage-1 2/3] COPY --from=base /a /a',
      '[stage-1 3/3] COPY f.txt /f.txt',
      '[stage-1 1/3] FROM docker.io/library/bb:1',
      'exporting to image',
    ]);
    for (const s of steps) {
      expect(s.completed).toBeInstanceOf(Date);
      expect(s.durationMs).toBeGreaterThanOrEqual(0);
      expect(s.error).toBeUndefined();
      expect(s.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
    expect(steps.find((s) => s.name.startsWith('[stage-1 2/3]'))!.inputs.length).toBe(2);
    // Sub-task progress (VertexStatus) of the export step, all completed.
    expect([...steps[7].progress.values()]).toEqual([
      { id: 'exporting layers', name: '', current: 0, total: 0, completed: true },
      { id: 'writing image sha256:1c3d3ab0cbf6fcffe1fa72782495ba89bffd72abfd9e1d4a3bdb27d053067d5f', name: '', current: 0, total: 0, completed: true },
      { id: 'naming to docker.io/library/demo:bk', name: '', current: 0, total: 0, completed: true },
    ]);
  });

  it('gives the same events and steps whatever byte the body is cut at', async () => {
    // Compared as text (bigint and bytes spelt out): deep equality of ~12 000 decodings is too slow for jest.
    const text = (v: unknown): string =>
      JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));
    for (const body of [OK, FAIL]) {
      const whole = await events(cut(body, 0));
      const wholeText = text(whole);
      const wholeSteps = text(stepsOf(whole).steps);
      expect(wholeText).toMatch(/"vertexes"/);
      let mismatches = 0;
      for (let at = 1; at < body.length; at++) {
        const list = await events(cut(body, at));
        if (text(list) !== wholeText || text(stepsOf(list).steps) !== wholeSteps) mismatches++;
      }
      expect(mismatches).toBe(0);
    }
  });

  it('names the failing step with its output and the cached base', async () => {
    const list = await events(cut(FAIL, 0));
    const steps = stepsOf(list);
    const failed = steps.failed('executor failed running [/bin/sh -c echo failing-step && exit 3]: exit code: 3')!;
    expect(failed.name).toBe('[2/2] RUN echo failing-step && exit 3');
    expect(failed.logs).toEqual(['failing-step']);
    expect(failed.error).toBe('executor failed running [/bin/sh -c echo failing-step && exit 3]: exit code: 3');
    expect(steps.steps.find((s) => s.name === '[1/2] FROM docker.io/library/bb:1')!.cached).toBe(true);
  });

  it('the build reducer rejects with DockerBuildError carrying the daemon text, step name and last lines', async () => {
    const reducer = buildkitReducer();
    let failure: DockerStreamError | undefined;
    for (const e of await events(cut(FAIL, 0))) {
      if (e.error) failure = new DockerStreamError('build', e.errorDetail.message, e.errorDetail);
      else reducer.next(e);
    }
    const err = reducer.failed(failure!) as DockerBuildError;
    expect(err).toBeInstanceOf(DockerStreamError);
    expect(err).toBeInstanceOf(DockerBuildError);
    expect(err.daemonMessage).toBe('executor failed running [/bin/sh -c echo failing-step && exit 3]: exit code: 3');
    expect(err.step).toMatchObject({ name: '[2/2] RUN echo failing-step && exit 3', logs: ['failing-step'] });
    expect(err.message).toBe(
      'build failed: executor failed running [/bin/sh -c echo failing-step && exit 3]: exit code: 3\n' +
        'step [2/2] RUN echo failing-step && exit 3 failed; its last output:\n  failing-step',
    );
  });

  it('an error line without a failed step in the trace stays the plain DockerStreamError', () => {
    const failure = new DockerStreamError('build', 'failed to solve: no active sessions');
    expect(buildkitReducer().failed(failure)).toBe(failure);
  });

  it('the build reducer returns the image id and tags of a successful build', async () => {
    const reducer = buildkitReducer({ tags: ['demo:bk'] });
    for (const e of await events(cut(OK, 0))) reducer.next(e);
    expect(reducer.finish()).toEqual({ id: 'sha256:1c3d3ab0cbf6fcffe1fa72782495ba89bffd72abfd9e1d4a3bdb27d053067d5f', tags: ['demo:bk'] });
    expect(reducer.steps.steps.length).toBe(8);
  });

  it('joins log chunks split inside lines and inside UTF-8 characters; Go zero times are unset', async () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    const text = Buffer.from('héllo wörld\nsecond line\r\nprogress 1\rprogress 2\nno newline at end', 'utf8');
    const zero = create(TimestampSchema, { seconds: -62135596800n, nanos: 0 });
    const lines = [
      traceLine(create(StatusResponseSchema, { vertexes: [create(VertexSchema, { digest, name: '[1/1] RUN x', started: create(TimestampSchema, { seconds: 1700000000n }) })] })),
      // Split after "h\xc3" (inside é) and in the middle of "second".
      ...[text.subarray(0, 2), text.subarray(2, 20), text.subarray(20)].map((msg) =>
        traceLine(create(StatusResponseSchema, { logs: [create(VertexLogSchema, { vertex: digest, msg, timestamp: zero })] })),
      ),
    ];
    const steps = stepsOf(await events(cut(Buffer.from(lines.join('\n')), 0)));
    expect(steps.steps[0].logs).toEqual(['héllo wörld', 'second line', 'progress 2']);
    const done = traceLine(
      create(StatusResponseSchema, {
        vertexes: [create(VertexSchema, { digest, name: '[1/1] RUN x', started: create(TimestampSchema, { seconds: 1700000000n }), completed: create(TimestampSchema, { seconds: 1700000002n, nanos: 500_000_000 }) })],
      }),
    );
    const after = stepsOf(await events(cut(Buffer.from([...lines, done].join('\n')), 0)));
    expect(after.steps[0].logs).toEqual(['héllo wörld', 'second line', 'progress 2', 'no newline at end']);
    expect(after.steps[0].durationMs).toBe(2500);
    const unset = stepsOf(await events(cut(Buffer.from(traceLine(create(StatusResponseSchema, { vertexes: [create(VertexSchema, { digest, started: zero })] }))), 0)));
    expect(unset.steps[0].started).toBeUndefined();
  });

  it('refuses a trace payload that is not a StatusResponse', async () => {
    await expect(events(cut(Buffer.from('{"id":"moby.buildkit.trace","aux":"not base64!"}\n'), 0))).rejects.toThrow(DockerProtocolError);
    // Valid base64 of bytes that are not a protobuf message (field 1, wire type 7 does not exist).
    await expect(events(cut(Buffer.from(`{"id":"moby.buildkit.trace","aux":"${Buffer.from([0x0f, 0xff]).toString('base64')}"}\n`), 0))).rejects.toThrow(
      /not a BuildKit StatusResponse/,
    );
  });

  it('plain view prints buildx-style lines', async () => {
    let text = '';
    const view = new BuildView({ out: { write: (s: string) => ((text += s), true), isTTY: false } as never });
    for (const e of await events(cut(FAIL, 0))) if (!e.error) view.update(e);
    view.end();
    expect(text).toMatch(/^#4 \[1\/2\] FROM docker\.io\/library\/bb:1\n#4 CACHED$/m);
    expect(text).not.toMatch(/^#4 DONE/m); // marked cached in the update after it completed: one line, CACHED
    expect(text).toMatch(/^#5 \[2\/2\] RUN echo failing-step && exit 3\n#5 0\.\d{3} failing-step\n#5 ERROR: executor failed running/m);
    expect(text).toMatch(/^#1 DONE \d+\.\ds$/m);
  });

  it('live view redraws one block in place and ends with every step and the failure', async () => {
    let text = '';
    const view = new BuildView({ out: { write: (s: string) => ((text += s), true), isTTY: true, columns: 120 } as never });
    for (const e of await events(cut(FAIL, 0))) if (!e.error) view.update(e);
    view.end(new Error('build failed: boom'));
    const last = text.slice(text.lastIndexOf('[+] Building'));
    expect(last).toMatch(/^\[\+\] Building \d+\.\ds \(5\/5\) FINISHED\n/);
    expect(last).toMatch(/^ => CACHED \[1\/2\] FROM docker\.io\/library\/bb:1 +\d+\.\ds$/m);
    expect(last).toMatch(/^ => ERROR \[2\/2\] RUN echo failing-step && exit 3 +0\.1s$/m);
    expect(last).toMatch(/ERROR: build failed: boom\n$/);
    expect(last.split('\n').every((l) => l.length <= 119)).toBe(true);
  });

  it('plain view prints completed sub-tasks as buildx does', async () => {
    let text = '';
    const view = new BuildView({ out: { write: (s: string) => ((text += s), true), isTTY: false } as never });
    for (const e of await events(cut(OK, 0))) view.update(e);
    view.end();
    expect(text).toMatch(/^#8 exporting to image\n#8 exporting layers done\n(#8 .*\n)*#8 naming to docker\.io\/library\/demo:bk done\n(#8 .*\n)*#8 DONE \d+\.\ds$/m);
    expect(text).toContain('Successfully tagged demo:bk\n'); // classic-style text passes through
  });

  it('loading the client does not load the protobuf runtime (it is loaded on the first trace line)', () => {
    const probe = `require(${JSON.stringify(join(ROOT, 'src', 'index.ts'))});
      const loaded = () => Object.keys(require.cache).some((k) => k.includes('@bufbuild'));
      const before = loaded();
      const { decodeBuildkitTraces } = require(${JSON.stringify(join(ROOT, 'src', 'streams', 'buildkit-events.ts'))});
      (async () => { for await (const _ of decodeBuildkitTraces((async function* () { yield ${JSON.stringify(JSON.parse(FAIL.toString().split('\n')[0]))}; })())) {}
        console.log(JSON.stringify({ before, after: loaded() })); })();`;
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), ['-e', probe], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true });
  });
});

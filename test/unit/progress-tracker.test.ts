import { ProgressTracker, type ProgressSnapshot } from '../../src/streams/progress-tracker';
import { recordedEvents } from './stream-bodies';

function feed(events: object[]): ProgressSnapshot[] {
  const tracker = new ProgressTracker();
  return events.map((e) => tracker.update(e));
}

describe('ProgressTracker', () => {
  it('dockerd pull: download bytes, then stays full through extraction; the "Pulling from" tag is not a layer', () => {
    const snaps = feed(recordedEvents('dockerd-pull'));
    const [pullingFrom, fsLayer, downloading, verifying, , extracting] = snaps;
    expect(pullingFrom.layers.size).toBe(0);
    expect(pullingFrom.fraction).toBe(0);
    expect(fsLayer.layers.get('def3bb77a6cb')).toEqual({ status: 'Pulling fs layer', current: 0, total: 0, transferred: false });
    expect(fsLayer.done).toBe(false);
    expect(downloading).toMatchObject({ current: 65536, total: 4065684, done: false });
    expect(downloading.fraction).toBeCloseTo(65536 / 4065684, 10);
    expect(verifying).toMatchObject({ current: 4065684, total: 4065684, done: true, fraction: 1 });
    // Extracting reports its own 65536/4065684, but the bar does not go back.
    expect(extracting.layers.get('def3bb77a6cb')).toMatchObject({ status: 'Extracting', current: 65536, total: 4065684 });
    expect(extracting).toMatchObject({ current: 4065684, total: 4065684, fraction: 1 });
    const last = snaps[snaps.length - 1];
    expect(last.layers.get('def3bb77a6cb')?.status).toBe('Pull complete');
    expect(last.done).toBe(true);
    // monotonic
    for (let i = 1; i < snaps.length; i++) expect(snaps[i].current).toBeGreaterThanOrEqual(snaps[i - 1].current);
  });

  it('dockerd push: the engine over-reports current beyond total; the bar is clamped to the layer size', () => {
    const snaps = feed(recordedEvents('dockerd-push'));
    const overshoot = snaps.find((s) => s.layers.get('7f5bb9758550')?.current === 1986560);
    expect(overshoot).toMatchObject({ current: 1982263, total: 1982263, fraction: 1, done: true });
    expect(snaps[snaps.length - 1].layers.get('7f5bb9758550')?.status).toBe('Pushed');
  });

  it('several layers, one already present (no size): only known sizes count; done when every layer is through', () => {
    const t = new ProgressTracker();
    t.update({ status: 'Pulling from x', id: 'latest' });
    t.update({ status: 'Already exists', progressDetail: {}, id: 'aaaaaaaaaaaa' });
    t.update({ status: 'Pulling fs layer', progressDetail: {}, id: 'bbbbbbbbbbbb' });
    t.update({ status: 'Pulling fs layer', progressDetail: {}, id: 'cccccccccccc' });
    let s = t.update({ status: 'Downloading', progressDetail: { current: 100, total: 400 }, id: 'bbbbbbbbbbbb' });
    expect(s).toMatchObject({ current: 100, total: 400, done: false, fraction: 0.25 });
    s = t.update({ status: 'Downloading', progressDetail: { current: 300, total: 600 }, id: 'cccccccccccc' });
    expect(s).toMatchObject({ current: 400, total: 1000, done: false, fraction: 0.4 });
    s = t.update({ status: 'Download complete', progressDetail: {}, id: 'bbbbbbbbbbbb' });
    expect(s).toMatchObject({ current: 700, total: 1000, done: false });
    s = t.update({ status: 'Retrying in 5 seconds', progressDetail: {}, id: 'cccccccccccc' });
    expect(s.layers.get('cccccccccccc')?.transferred).toBe(false);
    s = t.update({ status: 'Downloading', progressDetail: { current: 600, total: 600 }, id: 'cccccccccccc' });
    expect(s).toMatchObject({ current: 1000, total: 1000, done: true, fraction: 1 });
    expect([...s.layers.keys()]).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb', 'cccccccccccc']);
  });

  it('dockerd load: "Loading layer" progress', () => {
    const snaps = feed(recordedEvents('dockerd-load'));
    expect(snaps[0]).toMatchObject({ current: 2048, total: 2048, done: true, fraction: 1 });
    expect(snaps[0].layers.get('880225b5c0c1')?.status).toBe('Loading layer');
  });

  it('podman pull: layers without sizes are done without bytes', () => {
    const snaps = feed(recordedEvents('podman-pull'));
    expect(snaps[0]).toMatchObject({ done: false, fraction: 0, total: 0 });
    expect(snaps[snaps.length - 1]).toMatchObject({ done: true, fraction: 1, total: 0, current: 0 });
  });

  it('events that are not about a layer leave it unchanged; snapshots are not mutated later', () => {
    const t = new ProgressTracker();
    const first = t.update({ status: 'Downloading', progressDetail: { current: 1, total: 10 }, id: 'abc' });
    t.update({ stream: 'Step 1/2 : FROM x\n' } as object);
    t.update({ id: 'moby.buildkit.trace', aux: 'Cm8K' } as object);
    const s = t.update({ status: 'Digest: sha256:abc' });
    expect(s.layers.size).toBe(1);
    t.update({ status: 'Downloading', progressDetail: { current: 5, total: 10 }, id: 'abc' });
    expect(first.layers.get('abc')?.current).toBe(1);
    expect(t.snapshot().current).toBe(5);
  });
});

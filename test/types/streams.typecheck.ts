/**
 * Type-level tests for StreamOperation, the stream event types and ProgressTracker: compiled by
 * `npm run typecheck`, never run. Each @ts-expect-error must stay an error.
 */
import { StreamOperation } from '../../src/streams/stream-operation';
import { ProgressTracker } from '../../src/streams/progress-tracker';
import {
  buildReducer,
  loadReducer,
  pullReducer,
  pushReducer,
  type BuildEvent,
  type BuildResult,
  type LoadEvent,
  type PullEvent,
  type PullResult,
  type PushEvent,
} from '../../src/images/reducers';

declare const body: Promise<AsyncIterable<Uint8Array>>;

export async function typed(): Promise<void> {
  const pull = new StreamOperation(body, pullReducer());
  const tracker = new ProgressTracker();
  for await (const ev of pull) {
    const e: PullEvent = ev;
    const current: number | undefined = ev.progressDetail?.current;
    tracker.update(ev);
    void e;
    void current;
    // @ts-expect-error — not a field of pull events
    void ev.stream;
  }
  const r: PullResult = await pull;
  const status: string = r.status;
  void status;

  const build = new StreamOperation(body, buildReducer({ tags: ['x:1'] }));
  const b: BuildResult = await build;
  const id: string = b.id;
  const tags: string[] = b.tags;
  void id;
  void tags;
  // @ts-expect-error — the build result has no digest
  void b.digest;
  for await (const ev of build) {
    const e: BuildEvent = ev;
    tracker.update(e);
    // aux is the ImageID object or a buildkit trace string
    if (typeof ev.aux === 'object') void ev.aux.ID;
  }

  const push = new StreamOperation(body, pushReducer());
  for await (const ev of push) {
    const e: PushEvent = ev;
    tracker.update(e);
    void ev.aux?.Digest;
  }
  const { digest, size }: { digest: string; size: number } = await push;
  void digest;
  void size;

  const load = new StreamOperation(body, loadReducer());
  for await (const ev of load) {
    const e: LoadEvent = ev;
    tracker.update(e);
  }
  const names: string[] = (await load).names;
  void names;

  // .catch / .finally keep the result type
  const viaCatch: PullResult | undefined = await new StreamOperation(body, pullReducer()).catch(() => undefined);
  void viaCatch;
  // @ts-expect-error — a pull resolves with PullResult, not BuildResult
  const wrong: BuildResult = await new StreamOperation(body, pullReducer());
  void wrong;
}

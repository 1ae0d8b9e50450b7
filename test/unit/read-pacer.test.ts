/**
 * ReadPacer's decisions, on a clock the test sets (a pure function of read sizes and times; the socket side of
 * pacing is test/unit/paced-reads.test.ts, and what it saves and costs on real and fast engines is measured in
 * bench/README.md, "Stop 25" and "Stop 28").
 */
import { PACED_SMALL_READ_BYTES, ReadPacer } from '../../src/transport/read-pacer';

const KB = 1024;

function pacerAt(): { pacer: ReadPacer; at: (ms: number) => void } {
  let t = 1000;
  return { pacer: new ReadPacer(() => t), at: (ms) => void (t = ms) };
}

/** A pacer whose first small read (at 0 ms) waited, and whose wait ended with a read of `bytes` at 1.3 ms. */
function afterOneWait(bytes: number): ReturnType<typeof pacerAt> {
  const paced = pacerAt();
  paced.at(0);
  expect(paced.pacer.waitAfter(1 * KB)).toBe(true);
  paced.at(1.3);
  expect(paced.pacer.waitAfter(bytes)).toBe(false);
  return paced;
}

test('a trickle: small reads wait (the first one before any wait was measured), unless the engine speeds up', () => {
  const { pacer, at } = pacerAt();
  at(0);
  expect(pacer.waitAfter(300)).toBe(true);
  at(1.2);
  expect(pacer.waitAfter(900)).toBe(false); // the read that ends the wait
  at(1.3);
  expect(pacer.waitAfter(200)).toBe(true);
  at(2.5);
  expect(pacer.waitAfter(800)).toBe(false);
  at(2.6);
  expect(pacer.waitAfter(PACED_SMALL_READ_BYTES)).toBe(false); // not small
  at(2.7);
  // 16 KB within a millisecond of the wait's read, against the ~0.7 KB/ms the wait brought: the engine sped up.
  expect(pacer.waitAfter(100)).toBe(false);
  at(30);
  // 16.1 KB over 27.5 ms is slower than twice the wait's: back to waiting.
  expect(pacer.waitAfter(100)).toBe(true);
});

test('an engine faster than a wait can hold: small reads among fast ones do not wait', () => {
  const { pacer, at } = afterOneWait(45 * KB); // a full socket buffer: ~35 KB/ms from the wait
  let t = 1.3;
  for (let i = 0; i < 20; i++) {
    t += 0.2;
    at(t);
    expect(pacer.waitAfter(40 * KB)).toBe(false);
  }
  at(t + 0.1);
  expect(pacer.waitAfter(4 * KB)).toBe(false); // 804 KB in 4.1 ms: ~196 KB/ms, over twice the wait's
});

test('the rate of reads without waiting needs more than one read: right after a wait, a small read still waits', () => {
  const { pacer, at } = afterOneWait(53 * KB); // ~41 KB/ms
  at(1.35);
  // 5 KB in 0.05 ms would be 100 KB/ms; over at least a wait's millisecond it is 5 KB/ms, not twice 41.
  expect(pacer.waitAfter(5 * KB)).toBe(true);
});

test('an engine about as fast as a wait stays paced (what a wait saves is CPU, and it costs little time there)', () => {
  const { pacer, at } = afterOneWait(53 * KB);
  at(1.5);
  expect(pacer.waitAfter(30 * KB)).toBe(false); // not small
  at(2.1);
  expect(pacer.waitAfter(10 * KB)).toBe(true); // 40 KB in 0.8 ms → over 1 ms: 40 KB/ms, under 2 × 41
});

test('a long run without waits takes one wait again, to measure an engine that may have slowed down', () => {
  const { pacer, at } = afterOneWait(45 * KB);
  let t = 1.3;
  while (t < 101) {
    t += 0.5;
    at(t);
    expect(pacer.waitAfter(64 * KB)).toBe(false);
  }
  at(t + 0.1);
  expect(pacer.waitAfter(1 * KB)).toBe(true);
  // The wait's read shows a slow engine now, and the next small read waits too.
  at(t + 1.3);
  expect(pacer.waitAfter(2 * KB)).toBe(false);
  at(t + 1.5);
  expect(pacer.waitAfter(1 * KB)).toBe(true);
});

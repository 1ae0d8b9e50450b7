/** Summary statistics for the benchmark figures: medians with their spread, never means (outliers dominate means). */

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

/**
 * Per round `a ÷ b` over the rounds both ran (a contender against a reference that took its turn in the same
 * round): a change of machine load between rounds cancels out.
 */
export function pairedRatios(a: ReadonlyMap<number, number> | undefined, b: ReadonlyMap<number, number> | undefined): number[] {
  return [...(a ?? [])].filter(([r]) => b?.has(r)).map(([r, v]) => v / b!.get(r)!);
}

/** Linear-interpolated quantile of an ascending array. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    p25: quantile(s, 0.25),
    p75: quantile(s, 0.75),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
  };
}

/** A number with about three significant digits, for tables. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export function ratio(x: number | undefined, base: number | undefined): string {
  if (x === undefined || base === undefined || !Number.isFinite(x) || !Number.isFinite(base) || base === 0) return '–';
  return `${(x / base).toFixed(2)}×`;
}

/** `order` rotated by `round`, so no contender always runs first (or right after the same neighbour). */
export function rotate<T>(order: readonly T[], round: number): T[] {
  const k = round % order.length;
  return [...order.slice(k), ...order.slice(0, k)];
}

/**
 * Who runs in round `round`, in turn order (rotated every round): every contender for the first `allRounds`
 * rounds, then only those in `paired` (the ones a paired target compares).
 */
export function roundContenders<T>(all: readonly T[], round: number, allRounds: number, paired: readonly NoInfer<T>[]): T[] {
  return rotate(round < allRounds ? all : all.filter((w) => paired.includes(w)), round);
}

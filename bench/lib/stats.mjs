/**
 * Order statistics for the bench: median, p25–p75 spread, and a
 * distribution-free 95% confidence interval of the median, which the adaptive
 * run budgets stop on (timings are skewed; no normal approximation of the
 * samples themselves).
 */

/** The `q` quantile (0–1) of an ascending list, linearly interpolated. */
export function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** `{ n, median, p25, p75 }` of a list of numbers (any order). */
export function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, median: quantile(sorted, 0.5), p25: quantile(sorted, 0.25), p75: quantile(sorted, 0.75) };
}

/**
 * The 95% confidence interval of the median, `{ lo, hi }`: the order
 * statistics at ranks n/2 ∓ 0.98·√n (the binomial(n, ½) interval in its
 * normal approximation). Meaningful from about 10 samples.
 */
export function medianInterval(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const half = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - half) - 1);
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return { lo: sorted[lo], hi: sorted[hi] };
}

/**
 * The interval's larger half-width relative to the median: 0.05 means the
 * median is known to ±5% (95% confidence). Infinity for fewer than 5 samples.
 */
export function relativeHalfWidth(samples) {
  if (samples.length < 5) return Infinity;
  const { median } = stats(samples);
  const { lo, hi } = medianInterval(samples);
  return Math.max(median - lo, hi - median) / Math.abs(median);
}

/** True when the median of `samples` is known to within ±`tolerance` (95% confidence). */
export const isStable = (samples, tolerance = 0.05) => relativeHalfWidth(samples) <= tolerance;

/** A new array with the items of `list` in a random order (Fisher–Yates). */
export function shuffled(list) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** `{ ...stats(ratios), ci }` of per-round ratios `samples[i] / base[i]` (paired by round). */
export function pairedRatio(samples, base) {
  const ratios = samples.map((value, i) => value / base[i]);
  return { ...stats(ratios), ci: relativeHalfWidth(ratios), samples: ratios };
}

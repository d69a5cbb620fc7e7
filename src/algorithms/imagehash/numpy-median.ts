/**
 * `numpy.median` of float64 values: the middle value, or for an even count the mean of the two
 * middle values computed as `(a + b) / 2`, which is how numpy rounds it.
 */
export function numpyMedian(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

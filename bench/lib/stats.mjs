// Small, dependency-free statistics for the benchmark.

/** The median of a list of numbers (mean of the two middle values for an even count). NaN when empty. */
export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100) of a list of numbers. NaN when empty. */
export function percentile(values, p) {
  const xs = [...values].sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * xs.length));
  return xs[Math.min(rank, xs.length) - 1];
}

export function min(values) {
  return values.length ? Math.min(...values) : NaN;
}

export function max(values) {
  return values.length ? Math.max(...values) : NaN;
}

/** Formats a number with a fixed number of decimals; '–' for NaN. */
export function fmt(value, decimals = 1) {
  return Number.isFinite(value) ? value.toFixed(decimals) : '–';
}

/** "median (min–max)" of a list of per-round figures. */
export function spread(values, decimals = 1) {
  return `${fmt(median(values), decimals)} (${fmt(min(values), decimals)}–${fmt(max(values), decimals)})`;
}

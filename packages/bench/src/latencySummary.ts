/** What one cell's requests amounted to. */
export interface LatencySummary {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requestsPerSecond: number;
  /** Response bytes per second over the cell's wall-clock time. */
  megabytesPerSecond: number;
}

/** Nearest-rank percentile: the smallest duration at least `p` percent of requests did not exceed. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function summarizeLatencies(run: {
  durationsMs: number[];
  errors: number;
  elapsedMs: number;
  bytes: number;
}): LatencySummary {
  const sorted = [...run.durationsMs].sort((a, b) => a - b);
  const seconds = run.elapsedMs / 1000;
  return {
    requests: sorted.length,
    errors: run.errors,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    requestsPerSecond: (sorted.length - run.errors) / seconds,
    megabytesPerSecond: run.bytes / 1e6 / seconds,
  };
}

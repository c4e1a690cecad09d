import { percentile, summarizeLatencies } from './latencySummary';

describe('percentile', () => {
  it('picks the nearest rank, never interpolating', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7, 9], 50)).toBe(7);
    expect(percentile([7, 9], 99)).toBe(9);
    expect(percentile([4], 99)).toBe(4);
  });
});

describe('summarizeLatencies', () => {
  it('counts only successful requests towards the rate', () => {
    const summary = summarizeLatencies({
      durationsMs: [30, 10, 20, 40],
      errors: 1,
      elapsedMs: 500,
      bytes: 3_000_000,
    });
    expect(summary).toEqual({
      requests: 4,
      errors: 1,
      p50Ms: 20,
      p99Ms: 40,
      maxMs: 40,
      requestsPerSecond: 6,
      megabytesPerSecond: 6,
    });
  });
});

import { clusterTable, summarizeDurations } from './deployReport';

describe('summarizeDurations', () => {
  it('leaves out deployments that never got there', () => {
    expect(summarizeDurations([300, undefined, 100, 200, undefined])).toEqual({
      count: 3,
      p50Ms: 200,
      p95Ms: 300,
      maxMs: 300,
    });
  });

  it('has no figures when none got there', () => {
    const summary = summarizeDurations([undefined, undefined]);
    expect(summary.count).toBe(0);
    expect(summary.p50Ms).toBeNaN();
    expect(summary.maxMs).toBeNaN();
  });
});

describe('clusterTable', () => {
  it('counts, per cluster and in all, what was created, applied and running, and the phases of the rest', () => {
    const lines = clusterTable([
      {
        cluster: 'eks-p5',
        gpuType: 'H100',
        freeGpus: 1,
        timings: [
          {
            workspace: 'w',
            name: 'a',
            status: 201,
            appliedMs: 5,
            runningMs: 9,
          },
          {
            workspace: 'w',
            name: 'b',
            status: 201,
            appliedMs: 6,
            phase: 'Pending',
          },
          { workspace: 'w', name: 'c', status: 409, error: 'quota' },
        ],
      },
      {
        cluster: 'lambda-h200',
        gpuType: 'H200',
        freeGpus: 0,
        timings: [{ workspace: 'v', name: 'a', status: 201, phase: 'none' }],
      },
    ]);
    const cells = lines.slice(2).map(line => line.trim().split(/\s{2,}/));
    expect(cells).toEqual([
      ['eks-p5', 'H100', '1', '3', '2', '2', '1', 'Pending 1, HTTP 409 1'],
      ['lambda-h200', 'H200', '0', '1', '1', '0', '0', 'none 1'],
      ['all', '1', '4', '3', '2', '1', 'Pending 1, HTTP 409 1, none 1'],
    ]);
  });
});

import { percentile } from './latencySummary';
import type { DeploymentTiming } from './timeDeployments';
import { fixed, MiB, renderTable } from './tunnelReport';
import type { ProcessMemory } from './processMemory';

/** How long some deployments took to reach one point; those that never did are not counted. */
export interface DurationSummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export function summarizeDurations(
  values: Array<number | undefined>,
): DurationSummary {
  const sorted = values
    .filter((v): v is number => v !== undefined)
    .sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    maxMs: sorted[sorted.length - 1] ?? NaN,
  };
}

/** One deployment on a cluster: its timing and where it ran. */
export type PlacedTiming = DeploymentTiming & { cluster: string };

/** Each run of the one-deployment step, then their medians. */
export function singleTable(runs: PlacedTiming[]): string[] {
  const applied = summarizeDurations(runs.map(r => r.appliedMs));
  const running = summarizeDurations(runs.map(r => r.runningMs));
  return renderTable(
    ['deployment', 'cluster', 'POST → 201 applied ms', 'POST → Running ms'],
    [
      ...runs.map(r => [
        r.name,
        r.cluster,
        fixed(r.appliedMs ?? NaN, 0),
        fixed(r.runningMs ?? NaN, 0),
      ]),
      ['median', '', fixed(applied.p50Ms, 0), fixed(running.p50Ms, 0)],
    ],
  );
}

export interface ClusterBurst {
  cluster: string;
  gpuType: string;
  /** Free GPUs of the type before the burst, as the agent reported them, apart from spot nodes'. */
  freeGpus: number;
  timings: DeploymentTiming[];
}

/** Phases other than Running, e.g. "Pending 11". */
function otherPhases(timings: DeploymentTiming[]): string {
  const counts = new Map<string, number>();
  for (const t of timings) {
    if (t.status !== 201) {
      counts.set(
        `HTTP ${t.status ?? 'error'}`,
        (counts.get(`HTTP ${t.status ?? 'error'}`) ?? 0) + 1,
      );
    } else if (t.runningMs === undefined) {
      const phase = t.phase ?? 'none';
      counts.set(phase, (counts.get(phase) ?? 0) + 1);
    }
  }
  return (
    [...counts.entries()].map(([phase, n]) => `${phase} ${n}`).join(', ') || '-'
  );
}

/** Per cluster: how many were created, applied and running, against the free GPUs. */
export function clusterTable(clusters: ClusterBurst[]): string[] {
  const row = (
    name: string,
    gpuType: string,
    free: number,
    t: DeploymentTiming[],
  ) => [
    name,
    gpuType,
    String(free),
    String(t.length),
    String(t.filter(x => x.status === 201).length),
    String(t.filter(x => x.appliedMs !== undefined).length),
    String(t.filter(x => x.runningMs !== undefined).length),
    otherPhases(t),
  ];
  return renderTable(
    [
      'cluster',
      'GPU type',
      'usable free GPUs',
      'POSTed',
      '201',
      'applied',
      'Running',
      'not running',
    ],
    [
      ...clusters.map(c => row(c.cluster, c.gpuType, c.freeGpus, c.timings)),
      row(
        'all',
        '',
        clusters.reduce((sum, c) => sum + c.freeGpus, 0),
        clusters.flatMap(c => c.timings),
      ),
    ],
  );
}

/** p50/p95/max of the burst's times to applied and to Running. */
export function burstTable(timings: DeploymentTiming[]): string[] {
  const rows = [
    ['POST → applied', summarizeDurations(timings.map(t => t.appliedMs))],
    ['POST → Running', summarizeDurations(timings.map(t => t.runningMs))],
  ] as const;
  return renderTable(
    ['from', 'n', 'p50 ms', 'p95 ms', 'max ms'],
    rows.map(([name, s]) => [
      name,
      String(s.count),
      fixed(s.p50Ms, 0),
      fixed(s.p95Ms, 0),
      fixed(s.maxMs, 0),
    ]),
    1,
  );
}

export interface DeploySummary {
  single: PlacedTiming[];
  burst: {
    timings: DeploymentTiming[];
    answeredMs: number;
    lastRunningMs?: number;
    freeGpus: number;
  };
  backend: { before: ProcessMemory; after: ProcessMemory };
  gitops: { bytes: number; commits: number; burstCommits: number };
}

const ms = (value: number | undefined) =>
  value === undefined ? '-' : `${fixed(value, 0)} ms`;
const seconds = (value: number | undefined) =>
  value === undefined ? '-' : `${fixed(value / 1000, 1)} s`;

/** The figures a reader wants first, one per line. */
export function summaryTable(summary: DeploySummary): string[] {
  const { single, burst, backend, gitops } = summary;
  const singleApplied = summarizeDurations(single.map(r => r.appliedMs));
  const singleRunning = summarizeDurations(single.map(r => r.runningMs));
  const applied = summarizeDurations(burst.timings.map(t => t.appliedMs));
  const running = summarizeDurations(burst.timings.map(t => t.runningMs));
  const n = burst.timings.length;
  const triple = (s: DurationSummary) =>
    `${ms(s.p50Ms)} / ${ms(s.p95Ms)} / ${ms(s.maxMs)}`;
  return renderTable(
    ['step', 'figure', 'value'],
    [
      [
        'one deployment',
        `POST → 201 applied, median of ${single.length}`,
        ms(singleApplied.p50Ms),
      ],
      [
        'one deployment',
        `POST → Running, median of ${single.length}`,
        ms(singleRunning.p50Ms),
      ],
      [`${n} at once`, 'POST → applied, p50 / p95 / max', triple(applied)],
      [`${n} at once`, 'POST → Running, p50 / p95 / max', triple(running)],
      [
        `${n} at once`,
        'applied / Running / free GPUs before',
        `${applied.count} / ${running.count} / ${burst.freeGpus}`,
      ],
      [
        `${n} at once`,
        'wall time to the last POST answer',
        seconds(burst.answeredMs),
      ],
      [
        `${n} at once`,
        'wall time to the last Running',
        seconds(burst.lastRunningMs),
      ],
      [
        'backend',
        `RSS before → after the ${n} (peak)`,
        `${MiB(backend.before.rssBytes)} → ${MiB(
          backend.after.rssBytes,
        )} (${MiB(backend.after.peakRssBytes)})`,
      ],
      [
        'GitOps repository',
        'size on disk (bare)',
        `${fixed(gitops.bytes / 1024, 0)} KiB`,
      ],
      [
        'GitOps repository',
        `commits (of them the ${n} at once)`,
        `${gitops.commits} (${gitops.burstCommits})`,
      ],
    ],
  );
}

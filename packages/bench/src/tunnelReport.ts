import { LatencySummary } from './latencySummary';
import { ProcessMemory } from './processMemory';

export type RequestKind = 'GET-2KB' | 'LIST-5MB';
export type RequestPath = 'direct' | 'proxy';

export interface CellResult extends LatencySummary {
  request: RequestKind;
  path: RequestPath;
  concurrency: number;
  firstError?: string;
}

export interface MemoryRow {
  process: string;
  pid: number;
  before: ProcessMemory;
  after: ProcessMemory;
}

export const MiB = (bytes: number | undefined) =>
  bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : '-';

export function renderTable(
  header: string[],
  rows: string[][],
  nameColumns = 2,
): string[] {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  // Names left-aligned, figures right-aligned.
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i < nameColumns ? c.padEnd(widths[i]) : c.padStart(widths[i]),
      )
      .join('  ');
  return [
    line(header),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ];
}

/** One row per cell; proxy rows say how their p50 compares with the direct one. */
export function latencyTable(cells: CellResult[]): string[] {
  const rows = cells.map(cell => {
    const direct = cells.find(
      c =>
        c.path === 'direct' &&
        c.request === cell.request &&
        c.concurrency === cell.concurrency,
    );
    const ratio =
      cell.path === 'proxy' && direct
        ? `${fixed(cell.p50Ms / direct.p50Ms, 1)}x`
        : '';
    return [
      cell.request,
      cell.path,
      String(cell.concurrency),
      String(cell.requests),
      String(cell.errors),
      fixed(cell.p50Ms, 2),
      fixed(cell.p99Ms, 2),
      fixed(cell.requestsPerSecond, 1),
      fixed(cell.megabytesPerSecond, 1),
      ratio,
    ];
  });
  return renderTable(
    [
      'request',
      'path',
      'conc',
      'n',
      'errors',
      'p50 ms',
      'p99 ms',
      'req/s',
      'MB/s',
      'p50 vs direct',
    ],
    rows,
  );
}

export function memoryTable(rows: MemoryRow[]): string[] {
  return renderTable(
    ['process', 'pid', 'RSS before', 'RSS after', 'peak RSS'],
    rows.map(r => [
      r.process,
      String(r.pid),
      MiB(r.before.rssBytes),
      MiB(r.after.rssBytes),
      MiB(r.after.peakRssBytes),
    ]),
  );
}

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessMemory {
  rssBytes: number;
  /** The kernel's high-water mark of RSS since the process started (Linux only). */
  peakRssBytes?: number;
}

function statusField(status: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** Another process's resident memory, from /proc where there is one and `ps` elsewhere. */
export function processMemory(pid: number): ProcessMemory {
  let status: string | undefined;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    status = undefined;
  }
  const rss = status ? statusField(status, 'VmRSS') : undefined;
  if (status && rss !== undefined) {
    return { rssBytes: rss, peakRssBytes: statusField(status, 'VmHWM') };
  }
  const kib = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], {
    encoding: 'utf8',
  });
  return { rssBytes: Number(kib.trim()) * 1024 };
}

/** This process, as Node counts it, with the peak from /proc where there is one. */
export function ownMemory(): ProcessMemory & { heapUsedBytes: number } {
  const usage = process.memoryUsage();
  return {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    peakRssBytes: processMemory(process.pid).peakRssBytes,
  };
}

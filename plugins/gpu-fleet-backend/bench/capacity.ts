/**
 * Benchmark of the capacity service: a synthetic fleet of 1,000 clusters ×
 * 250 nodes fed through applyReport snapshots into SQLite, then the capacity
 * queries the portal runs. Prints load time, query p50/p95 and memory.
 * Run with `yarn bench:capacity [iterations]` (node --expose-gc).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CapacityGroupKey,
  CapacityType,
  NodeInventory,
  PROVIDER_IDS,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import knexFactory from 'knex';
import { CapacityFilters } from '../src/capacity/capacityFigures';
import { historySeries, sampleCapacity } from '../src/capacity/capacityHistory';
import { InventoryService } from '../src/capacity/InventoryService';
import { InventoryStore } from '../src/capacity/InventoryStore';
import { ClusterRegistry } from '../src/registry/ClusterRegistry';
import { ClusterStore } from '../src/registry/ClusterStore';

const CLUSTERS = 1000;
const NODES_PER_CLUSTER = 250;
const ITERATIONS = Number(process.argv[2] ?? 50);
const HISTORY_RUNS = 60;

// Deterministic, so two runs measure the same fleet.
let seed = 42;
function random() {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

const GPU_TYPES: Record<ProviderId, string[]> = {
  eks: ['H100', 'H200', 'A100-80GB'],
  aks: ['H100', 'A100-80GB'],
  gke: ['H100', 'L4'],
  oke: ['H100', 'MI300X'],
  coreweave: ['H100', 'H200', 'GB200'],
  lambda: ['H100', 'H200', 'B200'],
  fluidstack: ['H100', 'H200'],
  nebius: ['H100', 'H200', 'B200'],
  generic: ['L40S', 'A100-80GB'],
};
const CAPACITY: CapacityType[] = ['on-demand', 'on-demand', 'spot', 'reserved'];

/** 220 GPU nodes in pools of one GPU type and capacity type, 30 CPU nodes. */
function clusterNodes(provider: ProviderId): NodeInventory[] {
  const types = GPU_TYPES[provider];
  return Array.from({ length: NODES_PER_CLUSTER }, (_, i) => {
    const cpu = i >= 220;
    const pool = cpu ? 4 : i % 4;
    const gpuType = cpu ? null : types[pool % types.length];
    const gpuCount = cpu ? 0 : 8;
    let gpuVendor: NodeInventory['gpuVendor'] = null;
    if (gpuType) gpuVendor = gpuType === 'MI300X' ? 'amd' : 'nvidia';
    return {
      name: `node-${pool}-${i}.internal`,
      nodePool: cpu ? 'system' : `gpu-pool-${pool}`,
      gpuType,
      gpuVendor,
      gpuCount,
      gpuAllocated: Math.floor(random() * (gpuCount + 1)),
      capacityType: cpu ? 'on-demand' : CAPACITY[pool],
      instanceType: cpu ? 'm6i.4xlarge' : 'gpu.8x',
      schedulable: random() > 0.02,
      ready: random() > 0.01,
      taints: cpu
        ? []
        : [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
      topology: {},
    };
  });
}

const prices = [
  { gpuType: 'H100', perGpuHour: 3.0 },
  { gpuType: 'H100', capacityType: 'spot' as const, perGpuHour: 2.0 },
  { gpuType: 'H200', perGpuHour: 3.8 },
  { gpuType: 'B200', perGpuHour: 5.5 },
  { provider: 'coreweave', gpuType: 'H100', perGpuHour: 4.25 },
  { provider: 'lambda', gpuType: 'H200', perGpuHour: 3.29 },
  { gpuType: 'A100-80GB', perGpuHour: 1.8 },
];

const quietLogger: LoggerService = {
  error: (message: string) => console.error(message),
  warn: (message: string) => console.warn(message),
  info: () => {},
  debug: () => {},
  child: () => quietLogger,
};

const MiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const gc = (global as { gc?: () => void }).gc;
function memory() {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return `rss ${MiB(m.rss)}, heapUsed ${MiB(m.heapUsed)}`;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

const line = (label: string, value: string) =>
  console.log(`  ${label.padEnd(50)} ${value}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function timeIt(label: string, fn: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const ms = (p: number) => `${percentile(times, p).toFixed(1)} ms`.padStart(9);
  line(label, `p50 ${ms(0.5)}   p95 ${ms(0.95)}`);
}

async function main() {
  if (!gc) console.log('(run with --expose-gc for steady memory figures)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'capacity-bench-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await knex.migrate.latest({
      directory: path.resolve(__dirname, '../migrations'),
    });
    const registry = new ClusterRegistry(new ClusterStore(knex), {
      controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
      chart: 'gpu-fleet/gpu-fleet-agent',
    });
    const clusters = Array.from({ length: CLUSTERS }, (_, i) => {
      const provider = PROVIDER_IDS[i % PROVIDER_IDS.length];
      return { name: `${provider}-${String(i).padStart(4, '0')}`, provider };
    });
    for (const c of clusters) {
      await registry.attach(c, 'user:default/bench');
    }
    console.log(
      `Fleet: ${CLUSTERS} clusters × ${NODES_PER_CLUSTER} nodes (${
        CLUSTERS * 220
      } GPU nodes, ${
        CLUSTERS * 220 * 8
      } GPUs) on a SQLite file; ${ITERATIONS} runs per query\n`,
    );
    line('memory before loading', memory());

    const store = new InventoryStore(knex);
    const settings = { prices, currency: 'USD' };
    const service = new InventoryService(
      store,
      registry,
      settings,
      quietLogger,
    );
    let start = performance.now();
    // Each cluster's nodes are generated as its agent would send them.
    for (const c of clusters) {
      service.sessionStarted(c.name);
      await service.applyReport(c.name, {
        type: 'snapshot',
        seq: 1,
        nodes: clusterNodes(c.provider),
      });
    }
    const loadMs = performance.now() - start;
    line(
      'load through applyReport snapshots',
      `${seconds(loadMs)} (${(loadMs / CLUSTERS).toFixed(1)} ms per cluster)`,
    );
    line('memory after loading', memory());

    start = performance.now();
    const restarted = new InventoryService(
      store,
      registry,
      settings,
      quietLogger,
    );
    await restarted.load();
    line(
      'reload from the database (a restart)',
      seconds(performance.now() - start),
    );

    console.log('\nCapacity queries');
    const queries: Array<[string, CapacityGroupKey[], CapacityFilters]> = [
      ['group by provider × gpuType', ['provider', 'gpuType'], {}],
      ['group by cluster', ['cluster'], {}],
      [
        'provider × gpuType, provider=eks,gke, spot',
        ['provider', 'gpuType'],
        { provider: ['eks', 'gke'], capacityType: ['spot'] },
      ],
    ];
    for (const [label, groupBy, filters] of queries) {
      const { rows } = await service.capacity(groupBy, filters);
      await timeIt(`${label} (${rows.length} rows)`, () =>
        service.capacity(groupBy, filters),
      );
    }
    let seq = 1;
    const changing = clusterNodes(clusters[0].provider)[0];
    await timeIt('one-node delta through applyReport', () => {
      seq += 1;
      return service.applyReport(clusters[0].name, {
        type: 'delta',
        seq,
        upserts: [{ ...changing, gpuAllocated: seq % 9 }],
        removed: [],
      });
    });

    console.log('\nHistory');
    const from = new Date('2026-11-01T00:00:00Z');
    start = performance.now();
    for (let i = 0; i < HISTORY_RUNS; i++) {
      await sampleCapacity(service, store, {
        retentionMs: 30 * 24 * 3600_000,
        now: new Date(from.getTime() + i * 60_000),
      });
    }
    const [{ n }] = await knex('gpu_fleet_capacity_samples').count({ n: '*' });
    line(
      'sampler run',
      `${((performance.now() - start) / HISTORY_RUNS).toFixed(0)} ms (${
        Number(n) / HISTORY_RUNS
      } rows a run)`,
    );
    const to = new Date(from.getTime() + HISTORY_RUNS * 60_000);
    for (const groupBy of [['provider'], ['cluster']] as const) {
      await timeIt(
        `history of ${HISTORY_RUNS} runs by ${groupBy[0]}`,
        async () =>
          historySeries(
            await store.samples(from, to, {}, [...groupBy]),
            [...groupBy],
            60,
          ),
      );
    }
    console.log();
    line('memory at the end', memory());
  } finally {
    await knex.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * Benchmark of listing workspaces as the portal does for a member of 50
 * groups, among 1,000 workspaces: the default policy's conditional
 * decision (HAS_ROLE with the caller's 51 claims) turned into SQL by the
 * rule's toQuery and run by WorkspaceStore.list, then the access flags the
 * route computes per workspace. On SQLite, and on PostgreSQL when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set.
 * Run with `yarn bench:workspaces [iterations]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import {
  gpuFleetWorkspaceReadPermission,
  rolesAtLeast,
  Workspace,
  WorkspaceMember,
  WORKSPACE_ROLES,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  createWorkspaceConditionalDecision,
  workspaceConditions,
  workspacePermissionRules,
  WorkspaceQuery,
} from '@gpu-fleet/plugin-gpu-fleet-node';
import knexFactory, { Knex } from 'knex';
import { WorkspaceStore } from '../src/workspaces/WorkspaceStore';

const WORKSPACES = 1000;
const GROUPS = 2000;
const CALLER_GROUPS = 50;
const ITERATIONS = Number(process.argv[2] ?? 200);

// Deterministic, so two runs measure the same org.
let seed = 7;
function random() {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

const rules = Object.values(workspacePermissionRules) as PermissionRule<
  Workspace,
  WorkspaceQuery,
  'gpu-fleet-workspace'
>[];
const ruleset = {
  getRuleByName(name: string) {
    const rule = rules.find(r => r.name === name);
    if (!rule) throw new Error(`no rule ${name}`);
    return rule;
  },
  getRules: () => rules,
} as any;
const toQuery = createConditionTransformer<WorkspaceQuery>(ruleset);
const allows = createConditionAuthorizer(ruleset);

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

const line = (label: string, value: string) =>
  console.log(`  ${label.padEnd(58)} ${value}`);

async function timeIt(label: string, fn: () => Promise<number>) {
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    rows = await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const ms = (p: number) => `${percentile(times, p).toFixed(2)} ms`.padStart(9);
  line(label, `p50 ${ms(0.5)}   p95 ${ms(0.95)}   (${rows} rows)`);
}

async function seed1000(store: WorkspaceStore) {
  const at = new Date();
  await store.transaction(async trx => {
    for (let i = 0; i < WORKSPACES; i++) {
      const members: WorkspaceMember[] = [];
      const refs = new Set<string>();
      // Four groups and a user each, from an org of 2,000 groups.
      while (refs.size < 4) {
        refs.add(`group:default/team-${Math.floor(random() * GROUPS)}`);
      }
      refs.add(`user:default/person-${i}`);
      for (const ref of refs) {
        members.push({
          ref,
          role: WORKSPACE_ROLES[Math.floor(random() * 3)],
        });
      }
      await store.insert(
        trx,
        {
          name: `ws-${String(i).padStart(4, '0')}`,
          cluster: `cluster-${i % 20}`,
          namespace: `ws-${String(i).padStart(4, '0')}`,
          displayName: `Workspace ${i}`,
          description: null,
          allowPrivileged: false,
          gpuQuota: [{ gpuType: 'H100', count: 8 }],
          defaults: {
            tolerations: [],
            nodeSelector: {},
            priorityClassName: null,
            capacityType: null,
          },
          workloadIdentity: {},
          members,
          createdBy: 'user:default/bench',
        },
        at,
      );
    }
  });
}

async function run(label: string, knex: Knex) {
  seed = 7;
  await knex.migrate.latest({
    directory: path.resolve(__dirname, '../migrations'),
  });
  const store = new WorkspaceStore(knex);
  await seed1000(store);
  // The caller: a user in 50 groups, as the policy's claims resolver returns them.
  const claims = [
    'user:default/caller',
    ...Array.from(
      { length: CALLER_GROUPS },
      (_, i) => `group:default/team-${i * 40}`,
    ),
  ];
  const decision = createWorkspaceConditionalDecision(
    gpuFleetWorkspaceReadPermission,
    workspaceConditions.hasRole({ claims, roles: rolesAtLeast('viewer') }),
  );
  const deploy = createWorkspaceConditionalDecision(
    gpuFleetWorkspaceReadPermission,
    workspaceConditions.hasRole({ claims, roles: rolesAtLeast('deployer') }),
  );
  console.log(`\n${label}: ${WORKSPACES} workspaces, ${ITERATIONS} runs each`);
  if (decision.result !== AuthorizeResult.CONDITIONAL) throw new Error('?');
  const filter = toQuery(decision.conditions);
  await timeIt(
    'member of 50 groups: first page (100), filtered in SQL',
    async () => {
      const page = await store.list({ filter, limit: 100, offset: 0 });
      return page.items.length;
    },
  );
  await timeIt('  … and the access flags per workspace', async () => {
    const page = await store.list({ filter, limit: 100, offset: 0 });
    return page.items.filter(w => allows(deploy, w)).length;
  });
  await timeIt('fleet admin: first page (100), no filter', async () => {
    const page = await store.list({ limit: 100, offset: 0 });
    return page.items.length;
  });
  const visible = await store.list({ filter, limit: 500, offset: 0 });
  line('workspaces the member sees', String(visible.totalCount));
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workspace-bench-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'bench.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await run('SQLite (file)', sqlite);
  } finally {
    await sqlite.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pgUrl =
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!pgUrl) {
    console.log(
      '\n(PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)',
    );
    return;
  }
  const database = `workspace_bench_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: pgUrl });
  await admin.raw(`CREATE DATABASE ${database}`);
  const url = new URL(pgUrl);
  url.pathname = `/${database}`;
  const pg = knexFactory({ client: 'pg', connection: url.toString() });
  try {
    await run('PostgreSQL 15', pg);
  } finally {
    await pg.destroy();
    await admin.raw(`DROP DATABASE ${database}`);
    await admin.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});

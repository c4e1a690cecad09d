import { InputError } from '@backstage/errors';
import {
  describeZodIssues,
  deploymentStatusReportSchema,
  ObservedDeployment,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { Knex } from 'knex';
import { parseJson } from '../database/columnValues';

const TABLE = 'gpu_fleet_deployment_status';
// Keeps multi-row statements under SQLite's and PostgreSQL's parameter limits.
const BATCH = 200;

const statusOf = (value: unknown) =>
  parseJson<ObservedDeployment | undefined>(value, undefined);

/** A status report the session cannot apply; the message starts with the field at fault. */
export class DeploymentStatusReportError extends InputError {}

/**
 * The deployment status each cluster's agent reports, one row per
 * deployment. A cluster's reports apply one at a time, in the order they
 * arrived: a snapshot replaces the cluster's rows, a delta changes the rows
 * it names.
 */
export class DeploymentStatusStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly knex: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Validates and stores a `status` Report body; a bad one changes nothing. */
  applyReport(cluster: string, body: unknown): Promise<void> {
    const parsed = deploymentStatusReportSchema.safeParse(body);
    if (!parsed.success) {
      return Promise.reject(
        new DeploymentStatusReportError(describeZodIssues(parsed.error)[0]),
      );
    }
    const report = parsed.data;
    return this.enqueue(cluster, () =>
      this.knex.transaction(async trx => {
        const at = this.now();
        if (report.snapshot) {
          await trx(TABLE).where({ cluster }).delete();
        }
        const gone = report.removed.map(d => [d.namespace, d.name]);
        for (let i = 0; i < gone.length; i += BATCH) {
          await trx(TABLE)
            .where({ cluster })
            .whereIn(['namespace', 'name'], gone.slice(i, i + BATCH))
            .delete();
        }
        const rows = report.deployments.map(d => ({
          cluster,
          namespace: d.namespace,
          name: d.name,
          status: JSON.stringify(d),
          updated_at: at,
        }));
        for (let i = 0; i < rows.length; i += BATCH) {
          await trx(TABLE)
            .insert(rows.slice(i, i + BATCH))
            .onConflict(['cluster', 'namespace', 'name'])
            .merge(['status', 'updated_at']);
        }
      }),
    );
  }

  async get(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<ObservedDeployment | undefined> {
    const row = await this.knex(TABLE)
      .where({ cluster, namespace, name })
      .first('status');
    return row ? statusOf(row.status) : undefined;
  }

  /** Every deployment the cluster reported, by namespace and name. */
  async listForCluster(cluster: string): Promise<ObservedDeployment[]> {
    const rows = await this.knex(TABLE)
      .where({ cluster })
      .select('namespace', 'name', 'status');
    // Sorted here: PostgreSQL's collation may order "-" unlike SQLite.
    const key = (r: { namespace: string; name: string }) =>
      `${r.namespace}/${r.name}`;
    return rows
      .sort((a, b) => Number(key(a) > key(b)) - Number(key(a) < key(b)))
      .flatMap(r => statusOf(r.status) ?? []);
  }

  /** Whatever was queued for the cluster before runs first, failed or not. */
  private enqueue(cluster: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(cluster) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queues.set(cluster, next);
    next
      .finally(() => {
        if (this.queues.get(cluster) === next) this.queues.delete(cluster);
      })
      .catch(() => undefined);
    return next;
  }
}

import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { DeploymentsService } from '@gpu-fleet/plugin-gpu-fleet-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { examples } from './waitForDeployment.examples';

const DEFAULT_TIMEOUT_SECONDS = 900;

/** One line a person can follow in the step log; a new line only when it changes. */
function describe(view: DeploymentView): string {
  const delivery =
    view.delivery.state === 'applied'
      ? `applied revision ${
          view.appliedRevision
        } (commit ${view.appliedCommit?.slice(0, 12)})`
      : `delivery ${view.delivery.state} of revision ${view.revision}${
          view.delivery.error ? ` (retrying: ${view.delivery.error})` : ''
        }`;
  const status = view.status
    ? `${view.status.phase}: ${view.status.summary}`
    : 'no status reported yet';
  return `${delivery}; ${status}`;
}

/** Why pods wait, as the scheduler said it; shown once per change. */
function pendingReasons(view: DeploymentView): string[] {
  return (view.status?.pods ?? [])
    .filter(pod => pod.phase === 'Pending' && pod.message)
    .map(pod => `${pod.name}: ${pod.message}`);
}

function isReady(view: DeploymentView, revision: number) {
  if (view.delivery.state !== 'applied') return false;
  if ((view.appliedRevision ?? 0) < revision) return false;
  const phase = view.status?.phase;
  return phase === 'Running' || (view.kind === 'Job' && phase === 'Succeeded');
}

/**
 * Follows a deployment until it runs, or fails, writing each change of its
 * delivery and status into the step log, so the person who started the
 * template sees what the cluster does (including why pods are Pending).
 */
export function createWaitForDeploymentAction(deps: {
  deployments: DeploymentsService;
  pollIntervalMs?: number;
}) {
  const pollIntervalMs = deps.pollIntervalMs ?? 2000;
  return createTemplateAction({
    id: 'gpu-fleet:deployment:wait',
    description:
      'Waits until a GPU Fleet deployment is running (a job: running or succeeded), streaming its status into the step log; fails when it fails or the time runs out',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        workspace: z => z.string().describe('The workspace'),
        name: z => z.string().describe('The deployment'),
        revision: z =>
          z
            .number()
            .int()
            .min(0)
            .optional()
            .describe(
              'Wait until at least this revision is applied (the apply step outputs it)',
            ),
        timeoutSeconds: z =>
          z
            .number()
            .int()
            .min(1)
            .max(86_400)
            .optional()
            .describe(
              `How long to wait; ${DEFAULT_TIMEOUT_SECONDS} by default`,
            ),
      },
      output: {
        phase: z =>
          z.string().describe('Running or Succeeded (dry-run in a dry run)'),
        summary: z => z.string().describe('What the cluster reported'),
        appliedCommit: z =>
          z.string().nullable().describe('The Git commit the cluster holds'),
      },
    },
    async handler(ctx) {
      const { workspace, name } = ctx.input;
      const label = `${workspace}/${name}`;
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would wait for ${label} to run`);
        ctx.output('phase', 'dry-run');
        ctx.output('summary', 'not deployed in a dry run');
        ctx.output('appliedCommit', null);
        return;
      }
      const credentials = await ctx.getInitiatorCredentials();
      const revision = ctx.input.revision ?? 0;
      const timeoutMs =
        (ctx.input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
      const deadline = Date.now() + timeoutMs;
      let lastLine = '';
      const reasonsSeen = new Set<string>();

      for (;;) {
        const view = await deps.deployments.get(
          { workspace, name },
          { credentials },
        );
        if (!view) throw new Error(`Deployment ${label} no longer exists`);
        const line = describe(view);
        if (line !== lastLine) {
          ctx.logger.info(`${label}: ${line}`);
          lastLine = line;
        }
        for (const reason of pendingReasons(view)) {
          if (reasonsSeen.has(reason)) continue;
          reasonsSeen.add(reason);
          ctx.logger.warn(`Pending ${reason}`);
        }
        if (isReady(view, revision)) {
          ctx.output('phase', view.status!.phase);
          ctx.output('summary', view.status!.summary);
          ctx.output('appliedCommit', view.appliedCommit);
          return;
        }
        if (
          view.status?.phase === 'Failed' &&
          view.delivery.state === 'applied' &&
          (view.appliedRevision ?? 0) >= revision
        ) {
          throw new Error(`Deployment ${label} failed: ${view.status.summary}`);
        }
        if (Date.now() >= deadline) {
          throw new Error(
            `Deployment ${label} did not run within ${Math.round(
              timeoutMs / 1000,
            )} s; last seen: ${line}`,
          );
        }
        await sleep(pollIntervalMs, undefined, { signal: ctx.signal });
      }
    },
  });
}

import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DeploymentManifest,
  DeploymentView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { DeploymentsService } from '@gpu-fleet/plugin-gpu-fleet-node';
import { isDeepStrictEqual } from 'node:util';
import { examples } from './applyDeployment.examples';
import {
  deploymentEntityRef,
  deploymentPagePath,
  parseManifest,
  withManifestJsonSchema,
} from './manifestInput';

/** What the step outputs, and what its checkpoint keeps across a recovery. */
type Applied = {
  workspace: string;
  name: string;
  cluster: string;
  namespace: string;
  revision: number;
  change: 'created' | 'updated' | 'unchanged';
  deliveryState: string;
  appliedCommit: string | null;
  pagePath: string;
  entityRef: string;
};

// The backend stores the parsed manifest; compare both as JSON would carry them.
function sameManifest(a: DeploymentManifest, b: DeploymentManifest) {
  return isDeepStrictEqual(
    JSON.parse(JSON.stringify(a)),
    JSON.parse(JSON.stringify(b)),
  );
}

function appliedOf(view: DeploymentView, change: Applied['change']): Applied {
  return {
    workspace: view.workspace,
    name: view.name,
    cluster: view.cluster,
    namespace: view.namespace,
    revision: view.revision,
    change,
    deliveryState: view.delivery.state,
    appliedCommit: view.appliedCommit,
    pagePath: deploymentPagePath(view.workspace, view.name),
    entityRef: deploymentEntityRef(view.workspace, view.name),
  };
}

/**
 * Creates the deployment, or commits its next revision, as the user who runs
 * the template; GPU Fleet commits the rendered objects to Git and delivers
 * them. A step run again (a recovered task, a re-run template) with the same
 * manifest commits nothing new.
 */
export function createApplyDeploymentAction(deps: {
  deployments: DeploymentsService;
}) {
  return withManifestJsonSchema(
    createTemplateAction({
      id: 'gpu-fleet:deployment:apply',
      description:
        'Creates or updates a GPU Fleet deployment: commits the rendered manifest to the GitOps repository and delivers it to the cluster',
      examples,
      supportsDryRun: true,
      schema: {
        input: {
          manifest: z =>
            z.record(z.unknown()).describe('A GPU Fleet deployment manifest'),
        },
        output: {
          workspace: z => z.string(),
          name: z => z.string(),
          cluster: z => z.string().describe('The cluster it runs on'),
          namespace: z => z.string().describe('The namespace on that cluster'),
          revision: z =>
            z.number().describe('The revision this step left in place'),
          change: z =>
            z
              .enum(['created', 'updated', 'unchanged', 'dry-run'])
              .describe('What the step did'),
          deliveryState: z =>
            z
              .string()
              .describe('committing, delivering or applied, when answered'),
          appliedCommit: z =>
            z
              .string()
              .nullable()
              .describe('The Git commit the cluster holds, once applied'),
          pagePath: z =>
            z.string().describe("The deployment's page, from the portal root"),
          entityRef: z =>
            z.string().describe("The workload's catalog Component"),
        },
      },
      async handler(ctx) {
        const manifest = parseManifest(ctx.input.manifest);
        const credentials = await ctx.getInitiatorCredentials();
        const key = { workspace: manifest.workspace, name: manifest.name };
        const label = `${key.workspace}/${key.name}`;

        if (ctx.isDryRun) {
          const preview = await deps.deployments.preview(manifest, {
            credentials,
          });
          ctx.logger.info(
            `Dry run: would commit ${Object.keys(preview.files).join(
              ', ',
            )} to ${preview.path} and deliver them to ${preview.cluster}`,
          );
          for (const requirement of preview.unmet) {
            ctx.logger.warn(
              `Not met on ${preview.cluster}: ${requirement.message}`,
            );
          }
          ctx.output('workspace', key.workspace);
          ctx.output('name', key.name);
          ctx.output('cluster', preview.cluster);
          ctx.output('namespace', preview.namespace);
          ctx.output('revision', 0);
          ctx.output('change', 'dry-run');
          ctx.output('deliveryState', 'dry-run');
          ctx.output('appliedCommit', null);
          ctx.output('pagePath', deploymentPagePath(key.workspace, key.name));
          ctx.output('entityRef', deploymentEntityRef(key.workspace, key.name));
          return;
        }

        const applied = await ctx.checkpoint<Applied>({
          key: `gpu-fleet.deployment.apply.${label}`,
          fn: async () => {
            const existing = await deps.deployments.get(key, { credentials });
            if (!existing) {
              ctx.logger.info(`Creating ${label}`);
              const created = await deps.deployments.create(manifest, {
                credentials,
              });
              return appliedOf(created, 'created');
            }
            if (sameManifest(existing.manifest, manifest)) {
              ctx.logger.info(
                `${label} already holds this manifest at revision ${existing.revision}; nothing to commit`,
              );
              return appliedOf(existing, 'unchanged');
            }
            ctx.logger.info(
              `Updating ${label} from revision ${existing.revision}`,
            );
            const updated = await deps.deployments.update(manifest, {
              credentials,
            });
            return appliedOf(updated, 'updated');
          },
        });

        ctx.logger.info(
          `${label} revision ${applied.revision} (${applied.change}) on ${
            applied.cluster
          }: delivery ${applied.deliveryState}${
            applied.appliedCommit ? `, commit ${applied.appliedCommit}` : ''
          }`,
        );
        for (const [name, value] of Object.entries(applied)) {
          ctx.output(name as keyof Applied, value as never);
        }
      },
    }),
  );
}

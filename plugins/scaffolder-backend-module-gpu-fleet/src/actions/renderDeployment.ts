import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { DeploymentsService } from '@gpu-fleet/plugin-gpu-fleet-node';
import { examples } from './renderDeployment.examples';
import { parseManifest, withManifestJsonSchema } from './manifestInput';

/**
 * Renders a manifest into the objects a commit would hold, as the user who
 * runs the template, and commits nothing: a template shows what it will
 * deploy, and where, before it deploys.
 */
export function createRenderDeploymentAction(deps: {
  deployments: DeploymentsService;
}) {
  return withManifestJsonSchema(
    createTemplateAction({
      id: 'gpu-fleet:deployment:render',
      description:
        'Renders a GPU Fleet deployment manifest into Kubernetes objects without committing or applying anything',
      examples,
      supportsDryRun: true,
      schema: {
        input: {
          manifest: z =>
            z.record(z.unknown()).describe('A GPU Fleet deployment manifest'),
        },
        output: {
          manifest: z =>
            z
              .record(z.unknown())
              .describe('The manifest with its defaults applied'),
          cluster: z => z.string().describe('The cluster it would run on'),
          namespace: z => z.string().describe('The namespace on that cluster'),
          path: z => z.string().describe('The folder in the GitOps repository'),
          files: z =>
            z
              .record(z.string())
              .describe('The YAML files a commit would hold, by name'),
          unmet: z =>
            z
              .array(z.record(z.unknown()))
              .describe('Requirements the cluster does not meet yet'),
        },
      },
      async handler(ctx) {
        const manifest = parseManifest(ctx.input.manifest);
        const preview = await deps.deployments.preview(manifest, {
          credentials: await ctx.getInitiatorCredentials(),
        });
        ctx.logger.info(
          `${manifest.workspace}/${manifest.name} renders ${
            Object.keys(preview.files).length
          } files into ${preview.path} on ${preview.cluster}`,
        );
        for (const [file, yaml] of Object.entries(preview.files)) {
          ctx.logger.info(`--- ${file}\n${yaml}`);
        }
        for (const requirement of preview.unmet) {
          ctx.logger.warn(
            `Not met on ${preview.cluster}: ${requirement.message}`,
          );
        }
        // Outputs feed later steps' templating, which takes plain JSON only.
        ctx.output('manifest', JSON.parse(JSON.stringify(manifest)));
        ctx.output('cluster', preview.cluster);
        ctx.output('namespace', preview.namespace);
        ctx.output('path', preview.path);
        ctx.output('files', preview.files);
        ctx.output('unmet', preview.unmet as any);
      },
    }),
  );
}

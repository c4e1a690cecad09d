import {
  PREREQUISITE_CHECK_IDS,
  PrerequisiteCheckId,
  PrerequisiteReport,
  prerequisiteReportSchema,
  describeZodIssues,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { checkImageRegistry } from './checkImageRegistry';
import { checkIngress } from './checkIngress';
import { checkKubernetesVersion } from './checkKubernetesVersion';
import { checkNodeHeadroom } from './checkNodeHeadroom';
import { checkNodeLabels } from './checkNodeLabels';
import { checkRegistryEgress } from './checkRegistryEgress';
import { checkStorageClasses } from './checkStorageClasses';
import { checkWildcardDomainTls } from './checkWildcardDomainTls';
import { checkWorkspaceRights } from './checkWorkspaceRights';
import { CannotTell, CheckOutcome, KubeList, listObjects } from './clusterApi';
import { PrerequisiteSettings } from './prerequisiteSettings';

const MAX_MESSAGE = 2000;

/** Runs every prerequisite check against the cluster with the agent's own credentials. */
export class PrerequisiteChecker {
  constructor(
    private readonly kube: KubeApiForwarder,
    private readonly settings: PrerequisiteSettings,
  ) {}

  async run(): Promise<PrerequisiteReport> {
    // Listed once per run: two checks read the nodes.
    let nodes: Promise<KubeList> | undefined;
    const listNodes = () =>
      (nodes ??= listObjects(this.kube, '/api/v1/nodes', 'nodes'));
    const checks: Record<PrerequisiteCheckId, () => Promise<CheckOutcome>> = {
      'kubernetes-version': () => checkKubernetesVersion(this.kube),
      'node-headroom': async () =>
        checkNodeHeadroom(this.kube, await listNodes()),
      'registry-egress': () => checkRegistryEgress(this.settings),
      'wildcard-domain-tls': () =>
        checkWildcardDomainTls(this.kube, this.settings),
      ingress: () => checkIngress(this.kube),
      'storage-classes': () => checkStorageClasses(this.kube),
      'image-registry': () => checkImageRegistry(this.settings),
      'node-labels': async () => checkNodeLabels(await listNodes()),
      'workspace-rights': () => checkWorkspaceRights(this.kube),
    };
    const results = await Promise.all(
      PREREQUISITE_CHECK_IDS.map(async id => {
        let outcome: CheckOutcome;
        try {
          outcome = await checks[id]();
        } catch (error) {
          // What the agent could not see is 'unknown', never a guess.
          outcome = {
            status: 'unknown',
            message:
              error instanceof CannotTell
                ? error.message
                : `the check could not run: ${(error as Error).message}`,
            ...(error instanceof CannotTell &&
            Object.keys(error.details).length > 0
              ? { details: error.details }
              : {}),
          };
        }
        return {
          id,
          ...outcome,
          message: outcome.message.slice(0, MAX_MESSAGE),
        };
      }),
    );
    const parsed = prerequisiteReportSchema.safeParse({ checks: results });
    if (!parsed.success) {
      throw new Error(
        `prerequisite report: ${describeZodIssues(parsed.error)[0]}`,
      );
    }
    return parsed.data;
  }
}

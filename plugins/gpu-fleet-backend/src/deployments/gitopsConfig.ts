import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { RootConfigService } from '@backstage/backend-plugin-api';
import { GitOpsSettings } from './GitOpsRepository';

export interface GitOpsConfig extends GitOpsSettings {
  /** The URL Argo CD on the clusters reads the repository from. */
  argoRepoUrl?: string;
}

/** gpuFleet.gitops: without a URL, a bare repository in the machine's temporary directory. */
export function readGitOpsConfig(config: RootConfigService): GitOpsConfig {
  const url =
    config.getOptionalString('gpuFleet.gitops.url') ??
    path.join(os.tmpdir(), 'gpu-fleet', 'gitops.git');
  const digest = crypto.createHash('sha256').update(url).digest('hex');
  return {
    url,
    branch: config.getOptionalString('gpuFleet.gitops.branch') ?? 'main',
    workingDirectory:
      config.getOptionalString('gpuFleet.gitops.workingDirectory') ??
      path.join(
        os.tmpdir(),
        'gpu-fleet',
        `gitops-clone-${digest.slice(0, 12)}`,
      ),
    argoRepoUrl: config.getOptionalString('gpuFleet.gitops.argoRepoUrl'),
  };
}

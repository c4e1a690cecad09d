import {
  meetsMinimumKubernetesVersion,
  MIN_KUBERNETES_VERSION,
  parseKubernetesVersion,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { CannotTell, CheckOutcome } from './clusterApi';

const minimum = `${MIN_KUBERNETES_VERSION.major}.${MIN_KUBERNETES_VERSION.minor}`;

/** The API server's own /version against the supported minimum. */
export async function checkKubernetesVersion(
  kube: KubeApiForwarder,
): Promise<CheckOutcome> {
  const { status, body } = await kube.getJson('/version');
  const gitVersion = body?.gitVersion;
  if (status !== 200 || typeof gitVersion !== 'string') {
    throw new CannotTell(
      `/version answered HTTP ${status} without a gitVersion`,
    );
  }
  const details = { gitVersion, minimum };
  if (!parseKubernetesVersion(gitVersion)) {
    throw new CannotTell(`cannot read the version '${gitVersion}'`, details);
  }
  return meetsMinimumKubernetesVersion(gitVersion)
    ? {
        status: 'pass',
        message: `the API server runs ${gitVersion} (${minimum} or newer needed)`,
        details,
      }
    : {
        status: 'fail',
        message: `the API server runs ${gitVersion}, older than ${minimum}`,
        details,
      };
}

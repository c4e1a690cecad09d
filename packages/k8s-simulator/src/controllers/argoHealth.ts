/**
 * Argo CD's health assessment, for the kinds GPU Fleet delivers: Deployments
 * as Argo CD's built-in check reads them, MPIJobs by their conditions; any
 * other kind has no health of its own.
 */

import { asList, asObject, KubeObject } from '../kubeObject';

export type HealthStatus =
  | 'Healthy'
  | 'Suspended'
  | 'Progressing'
  | 'Missing'
  | 'Degraded'
  | 'Unknown';

export interface Health {
  status: HealthStatus;
  message?: string;
}

/** Worse comes later, as Argo CD ranks an application's resources. */
const ORDER: HealthStatus[] = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
];

const condition = (obj: KubeObject, type: string) =>
  asList(asObject(obj.status).conditions).find(c => c.type === type);

function deploymentHealth(deployment: KubeObject): Health {
  const spec = asObject(deployment.spec);
  const status = asObject(deployment.status);
  if (spec.paused === true) {
    return { status: 'Suspended', message: 'Deployment is paused' };
  }
  const name = deployment.metadata.name;
  if (
    Number(status.observedGeneration ?? 0) <
    Number(deployment.metadata.generation ?? 0)
  ) {
    return {
      status: 'Progressing',
      message:
        'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  if (
    condition(deployment, 'Progressing')?.reason === 'ProgressDeadlineExceeded'
  ) {
    return {
      status: 'Degraded',
      message: `Deployment "${name}" exceeded its progress deadline`,
    };
  }
  const wanted = Number(spec.replicas ?? 1);
  const updated = Number(status.updatedReplicas ?? 0);
  const replicas = Number(status.replicas ?? 0);
  const available = Number(status.availableReplicas ?? 0);
  if (updated < wanted) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`,
    };
  }
  if (replicas > updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${
        replicas - updated
      } old replicas are pending termination...`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  }
  return { status: 'Healthy' };
}

function mpiJobHealth(job: KubeObject): Health {
  const isTrue = (type: string) => condition(job, type)?.status === 'True';
  const message = (type: string) => {
    const text = condition(job, type)?.message;
    return typeof text === 'string' ? { message: text } : {};
  };
  if (isTrue('Failed')) return { status: 'Degraded', ...message('Failed') };
  if (isTrue('Succeeded')) {
    return { status: 'Healthy', ...message('Succeeded') };
  }
  if (isTrue('Running')) return { status: 'Healthy', ...message('Running') };
  return {
    status: 'Progressing',
    message: 'Waiting for the launcher and every worker to run',
  };
}

/** The live object's health, or undefined for kinds without a health check. */
export function resourceHealth(obj: KubeObject): Health | undefined {
  const group = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')[0]
    : '';
  if (group === 'apps' && obj.kind === 'Deployment') {
    return deploymentHealth(obj);
  }
  if (group === 'kubeflow.org' && obj.kind === 'MPIJob') {
    return mpiJobHealth(obj);
  }
  return undefined;
}

/** The application's health: its worst resource's, Healthy with none. */
export function worstHealth(healths: Array<Health | undefined>): Health {
  let worst: Health = { status: 'Healthy' };
  for (const health of healths) {
    if (health && ORDER.indexOf(health.status) > ORDER.indexOf(worst.status)) {
      worst = health;
    }
  }
  return worst;
}

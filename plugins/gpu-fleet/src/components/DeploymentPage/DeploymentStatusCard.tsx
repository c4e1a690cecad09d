import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { ReactNode } from 'react';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { clusterRouteRef, workspaceRouteRef } from '../../routes';
import { deploymentGpus } from '../DeploymentsPage/deploymentColumns';
import { DeploymentPhaseLabel } from '../shared/DeploymentPhaseLabel';
import { FactList } from '../shared/FactList';
import { formatDateTime, formatYesNo } from '../shared/formatters';

function replicasText(deployment: DeploymentView): string | undefined {
  const replicas = deployment.status?.replicas;
  if (!replicas) return undefined;
  return `${replicas.ready}/${replicas.desired} ready, ${replicas.updated} updated, ${replicas.available} available`;
}

function rolloutText(deployment: DeploymentView): string | undefined {
  const rollout = deployment.status?.rollout;
  if (!rollout) return undefined;
  if (rollout.complete) return 'complete';
  const why = [rollout.reason, rollout.message].filter(Boolean).join(': ');
  return why ? `in progress (${why})` : 'in progress';
}

/** What the deployment is and what its cluster last reported of it. */
export const DeploymentStatusCard = ({
  deployment,
}: {
  deployment: DeploymentView;
}) => {
  const workspaceLink = useRouteRef(workspaceRouteRef);
  const clusterLink = useRouteRef(clusterRouteRef);
  const { manifest, status } = deployment;
  const facts: Array<[string, ReactNode]> = [
    ['Phase', <DeploymentPhaseLabel deployment={deployment} />],
    ['Summary', status?.summary ?? 'The cluster has not reported on it yet.'],
  ];
  if (status) facts.push(['Observed', formatDateTime(status.observedAt)]);
  facts.push(
    ['Template', `${deployment.template} (${deployment.kind})`],
    [
      'Workspace',
      <Link to={workspaceLink({ name: deployment.workspace })}>
        {deployment.workspace}
      </Link>,
    ],
    [
      'Cluster',
      <Link to={clusterLink({ name: deployment.cluster })}>
        {deployment.cluster}
      </Link>,
    ],
    ['Namespace', deployment.namespace],
    ['Image', manifest.image],
  );
  if (manifest.model) facts.push(['Model', manifest.model]);
  facts.push(
    ['GPUs', deploymentGpus(deployment)],
    [
      'CPU / memory',
      `${manifest.resources.cpu} / ${manifest.resources.memory}`,
    ],
  );
  if (manifest.replicas) {
    facts.push([
      'Replicas wanted',
      `${manifest.replicas.min} to ${manifest.replicas.max}`,
    ]);
  }
  const replicas = replicasText(deployment);
  if (replicas) facts.push(['Replicas', replicas]);
  const rollout = rolloutText(deployment);
  if (rollout) facts.push(['Rollout', rollout]);
  if (manifest.mpi) {
    facts.push(
      ['Workers', String(manifest.mpi.workers)],
      [
        'RDMA',
        manifest.mpi.rdma.enabled
          ? `yes, /dev/shm ${manifest.mpi.rdma.shmSize}`
          : formatYesNo(false),
      ],
    );
  }
  if (manifest.capacityType)
    facts.push(['Capacity type', manifest.capacityType]);
  return (
    <InfoCard title="Status">
      <FactList label="Deployment status" facts={facts} />
    </InfoCard>
  );
};

import { Link, TableColumn } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  clusterRouteRef,
  deploymentRouteRef,
  workspaceRouteRef,
} from '../../routes';
import { DeploymentPhaseLabel } from '../shared/DeploymentPhaseLabel';
import {
  formatDateTime,
  formatGpuRequest,
  shortCommit,
} from '../shared/formatters';

const DeploymentLink = ({ deployment }: { deployment: DeploymentView }) => {
  const link = useRouteRef(deploymentRouteRef);
  return (
    <Link to={link({ workspace: deployment.workspace, name: deployment.name })}>
      {deployment.name}
    </Link>
  );
};

const WorkspaceLink = ({ name }: { name: string }) => {
  const link = useRouteRef(workspaceRouteRef);
  return <Link to={link({ name })}>{name}</Link>;
};

const ClusterLink = ({ name }: { name: string }) => {
  const link = useRouteRef(clusterRouteRef);
  return <Link to={link({ name })}>{name}</Link>;
};

/** "1 × H100", or for a training run "8 × H200 × 2 workers". */
export function deploymentGpus(deployment: DeploymentView): string {
  const perPod = formatGpuRequest(deployment.manifest.resources.gpu);
  const workers = deployment.manifest.mpi?.workers;
  return workers === undefined
    ? perPod
    : `${perPod} × ${workers} worker${workers === 1 ? '' : 's'}`;
}

/** "2 · 3f9c2a1", saying so when the cluster holds an older revision. */
export function deploymentRevision(deployment: DeploymentView): string {
  const { revision, appliedRevision, appliedCommit } = deployment;
  const commit = appliedCommit ? ` · ${shortCommit(appliedCommit)}` : '';
  const behind =
    appliedRevision === revision
      ? ''
      : ` (applied: ${appliedRevision ?? 'none'})`;
  return `${revision}${commit}${behind}`;
}

const textSearch =
  (text: (d: DeploymentView) => string) =>
  (term: string, deployment: DeploymentView) =>
    text(deployment).toLowerCase().includes(term.toLowerCase());

const summaryOf = (d: DeploymentView) =>
  d.delivery.error ?? d.status?.summary ?? '';

/** The deployment table's columns; without the workspace where the page is one. */
export function deploymentColumns(options: {
  workspace: boolean;
}): TableColumn<DeploymentView>[] {
  return [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      render: d => <DeploymentLink deployment={d} />,
    },
    ...(options.workspace
      ? [
          {
            title: 'Workspace',
            field: 'workspace',
            render: (d: DeploymentView) => <WorkspaceLink name={d.workspace} />,
          },
        ]
      : []),
    {
      title: 'Cluster',
      field: 'cluster',
      render: d => <ClusterLink name={d.cluster} />,
    },
    { title: 'Template', field: 'template' },
    {
      title: 'GPUs',
      customFilterAndSearch: textSearch(deploymentGpus),
      render: deploymentGpus,
    },
    {
      title: 'Phase',
      customFilterAndSearch: textSearch(d => d.status?.phase ?? ''),
      render: d => <DeploymentPhaseLabel deployment={d} />,
    },
    {
      title: 'Summary',
      customFilterAndSearch: textSearch(summaryOf),
      render: summaryOf,
    },
    {
      title: 'Revision',
      customFilterAndSearch: textSearch(deploymentRevision),
      render: deploymentRevision,
    },
    {
      title: 'Updated',
      field: 'updatedAt',
      render: d => formatDateTime(d.updatedAt),
    },
  ];
}

import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import type {
  Cluster,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { ReactNode } from 'react';
import { clusterRouteRef } from '../../routes';
import { FactList } from '../shared/FactList';
import { formatDateTime, providerTitle } from '../shared/formatters';
import { callerRole } from '../shared/workspaceRole';

export const WorkspaceDetailsCard = ({
  workspace,
  cluster,
}: {
  workspace: WorkspaceView;
  cluster?: Cluster;
}) => {
  const clusterLink = useRouteRef(clusterRouteRef);
  const facts: Array<[string, ReactNode]> = [
    [
      'Cluster',
      <Link to={clusterLink({ name: workspace.cluster })}>
        {cluster?.displayName ?? workspace.cluster}
      </Link>,
    ],
  ];
  if (cluster) facts.push(['Provider', providerTitle(cluster.provider)]);
  facts.push(
    ['Namespace', workspace.namespace],
    ['Your role', callerRole(workspace.access)],
    [
      'Created',
      `${formatDateTime(workspace.createdAt)} by ${workspace.createdBy}`,
    ],
    ['Last changed', formatDateTime(workspace.updatedAt)],
  );
  return (
    <InfoCard title="Workspace">
      {workspace.description && (
        <Typography variant="body2" paragraph>
          {workspace.description}
        </Typography>
      )}
      <FactList label="Workspace" facts={facts} />
    </InfoCard>
  );
};

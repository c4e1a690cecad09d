import { InfoCard } from '@backstage/core-components';
import { Tooltip } from '@material-ui/core';
import { ReactNode } from 'react';
import type { DeploymentView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { FactList } from '../shared/FactList';
import { formatDateTime, shortCommit } from '../shared/formatters';

const STATE_WORDS = {
  committing: 'committing to Git',
  delivering: 'delivering to the cluster',
  applied: 'applied',
  deleting: 'deleting',
} as const;

const Commit = ({ commit }: { commit: string | null }) =>
  commit ? (
    <Tooltip title={commit}>
      <code>{shortCommit(commit)}</code>
    </Tooltip>
  ) : (
    <>none</>
  );

/** How far the latest revision has come from Git to the cluster. */
export const DeliveryCard = ({
  deployment,
}: {
  deployment: DeploymentView;
}) => {
  const { delivery } = deployment;
  const facts: Array<[string, ReactNode]> = [
    ['State', STATE_WORDS[delivery.state]],
    ['Attempts', String(delivery.attempts)],
  ];
  if (delivery.error) facts.push(['Last error', delivery.error]);
  facts.push(
    ['Since', formatDateTime(delivery.updatedAt)],
    ['Latest revision', String(deployment.revision)],
    ['Applied revision', String(deployment.appliedRevision ?? 'none')],
    ['Applied commit', <Commit commit={deployment.appliedCommit} />],
    [
      'Created',
      `${formatDateTime(deployment.createdAt)} by ${deployment.createdBy}`,
    ],
    [
      'Updated',
      `${formatDateTime(deployment.updatedAt)} by ${deployment.updatedBy}`,
    ],
  );
  return (
    <InfoCard title="Delivery">
      <FactList label="Delivery" facts={facts} />
    </InfoCard>
  );
};

import { InfoCard } from '@backstage/core-components';
import { makeStyles, Typography } from '@material-ui/core';
import type { Cluster } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ReactNode } from 'react';
import { ClusterStatusLabel } from '../shared/ClusterStatusLabel';
import { formatDateTime, providerTitle } from '../shared/formatters';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { fontWeight: theme.typography.fontWeightMedium as number },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
}));

export const ClusterDetailsCard = ({ cluster }: { cluster: Cluster }) => {
  const classes = useStyles();
  const labels = Object.entries(cluster.labels);
  const rows: Array<[string, ReactNode]> = [
    ['Status', <ClusterStatusLabel cluster={cluster} />],
    ['Provider', providerTitle(cluster.provider)],
    ['Region', cluster.region ?? '—'],
    ['Agent version', cluster.agentVersion ?? 'not connected yet'],
    ['Kubernetes version', cluster.kubernetesVersion ?? 'not reported yet'],
    ['Last seen', formatDateTime(cluster.lastSeenAt)],
    [
      'Attached',
      `${formatDateTime(cluster.createdAt)} by ${cluster.createdBy}`,
    ],
    [
      'Labels',
      labels.length === 0
        ? '—'
        : labels.map(([k, v]) => `${k}=${v}`).join(', '),
    ],
  ];
  if (cluster.detachedAt) {
    rows.push(['Detached', formatDateTime(cluster.detachedAt)]);
  }
  return (
    <InfoCard title="Cluster">
      {cluster.description && (
        <Typography variant="body2" paragraph>
          {cluster.description}
        </Typography>
      )}
      <dl className={classes.list}>
        {rows.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </InfoCard>
  );
};

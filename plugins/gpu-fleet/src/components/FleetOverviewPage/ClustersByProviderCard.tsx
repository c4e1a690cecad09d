import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { Cluster, CLUSTER_STATUSES } from '@gpu-fleet/plugin-gpu-fleet-common';
import { clustersRouteRef } from '../../routes';
import { providerTitle } from '../shared/formatters';
import { clusterCounts } from './clusterCounts';

/** Each count links to the cluster list filtered the same way. */
export const ClustersByProviderCard = ({
  clusters,
}: {
  clusters: Cluster[];
}) => {
  const clustersLink = useRouteRef(clustersRouteRef);
  const counts = clusterCounts(clusters);
  const listUrl = (query: Record<string, string>) =>
    `${clustersLink()}?${new URLSearchParams(query)}`;
  return (
    <InfoCard title="Clusters by provider and status">
      <Table size="small" aria-label="Clusters by provider and status">
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              Provider
            </TableCell>
            {CLUSTER_STATUSES.map(status => (
              <TableCell key={status} component="th" scope="col" align="right">
                {status}
              </TableCell>
            ))}
            <TableCell component="th" scope="col" align="right">
              total
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {counts.map(row => (
            <TableRow key={row.provider}>
              <TableCell component="th" scope="row">
                <Link to={listUrl({ provider: row.provider })}>
                  {providerTitle(row.provider)}
                </Link>
              </TableCell>
              {CLUSTER_STATUSES.map(status => (
                <TableCell key={status} align="right">
                  {row.byStatus[status] > 0 ? (
                    <Link
                      to={listUrl({ provider: row.provider, status })}
                      aria-label={`${
                        row.byStatus[status]
                      } ${status} ${providerTitle(row.provider)} clusters`}
                    >
                      {row.byStatus[status]}
                    </Link>
                  ) : (
                    0
                  )}
                </TableCell>
              ))}
              <TableCell align="right">{row.total}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
};

import { InfoCard, Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { Cluster, CLUSTER_STATUSES } from '@gpu-fleet/plugin-gpu-fleet-common';
import { clustersRouteRef } from '../../routes';
import { providerTitle } from '../shared/formatters';
import { clusterCounts } from './clusterCounts';

// Backstage's theme lets table cells break anywhere ("pendi ng"): words stay
// whole here, headers stay on one line, and a narrow card scrolls instead.
const useStyles = makeStyles({
  table: {
    '& th, & td': { wordBreak: 'normal', overflowWrap: 'normal' },
    '& thead th': { whiteSpace: 'nowrap' },
  },
});

/** Each count links to the cluster list filtered the same way. */
export const ClustersByProviderCard = ({
  clusters,
}: {
  clusters: Cluster[];
}) => {
  const classes = useStyles();
  const clustersLink = useRouteRef(clustersRouteRef);
  const counts = clusterCounts(clusters);
  const listUrl = (query: Record<string, string>) =>
    `${clustersLink()}?${new URLSearchParams(query)}`;
  return (
    <InfoCard title="Clusters by provider and status">
      <TableContainer>
        <Table
          size="small"
          aria-label="Clusters by provider and status"
          className={classes.table}
        >
          <TableHead>
            <TableRow>
              <TableCell component="th" scope="col">
                Provider
              </TableCell>
              {CLUSTER_STATUSES.map(status => (
                <TableCell
                  key={status}
                  component="th"
                  scope="col"
                  align="right"
                >
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
      </TableContainer>
    </InfoCard>
  );
};

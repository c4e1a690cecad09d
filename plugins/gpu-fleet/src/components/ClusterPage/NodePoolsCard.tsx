import { InfoCard, Progress } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { ClusterInventoryResponse } from '@gpu-fleet/plugin-gpu-fleet-common';
import { PolledState } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { formatDateTime } from '../shared/formatters';
import { summariseNodePools } from './nodePools';

export const NodePoolsCard = ({
  inventory,
}: {
  inventory: PolledState<ClusterInventoryResponse>;
}) => {
  let content;
  if (inventory.loading && !inventory.value) {
    content = <Progress />;
  } else if (!inventory.value) {
    content = (
      <ApiErrorPanel
        title="Could not load the inventory"
        error={inventory.error ?? new Error('no answer')}
      />
    );
  } else if (inventory.value.nodes.length === 0) {
    content = (
      <Typography color="textSecondary">
        {inventory.value.reportedAt
          ? 'The agent reports no nodes.'
          : 'The agent has not reported inventory yet.'}
      </Typography>
    );
  } else {
    const pools = summariseNodePools(inventory.value.nodes);
    content = (
      <>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          Reported {formatDateTime(inventory.value.reportedAt)}
        </Typography>
        <Table size="small" aria-label="Node pools">
          <TableHead>
            <TableRow>
              {[
                'Pool',
                'GPU type',
                'Nodes (ready)',
                'GPUs total',
                'GPUs allocated',
                'Capacity type',
              ].map(title => (
                <TableCell key={title} component="th" scope="col">
                  {title}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {pools.map(pool => (
              <TableRow
                key={`${pool.nodePool}/${pool.gpuType}/${pool.capacityType}`}
              >
                <TableCell component="th" scope="row">
                  {pool.nodePool ?? '(no pool label)'}
                </TableCell>
                <TableCell>{pool.gpuType ?? 'no GPU'}</TableCell>
                <TableCell>
                  {pool.nodes} ({pool.readyNodes})
                </TableCell>
                <TableCell>{pool.gpuTotal}</TableCell>
                <TableCell>{pool.gpuAllocated}</TableCell>
                <TableCell>{pool.capacityType}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </>
    );
  }
  return <InfoCard title="Node pools">{content}</InfoCard>;
};

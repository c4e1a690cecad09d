import { InfoCard } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import type { ObservedCondition } from '@gpu-fleet/plugin-gpu-fleet-common';
import { formatDateTime } from '../shared/formatters';
import { SimpleTable } from '../shared/SimpleTable';

/** The MPIJob's conditions, or the Deployment's. */
export const ConditionsCard = ({
  title,
  conditions,
}: {
  title: string;
  conditions: ObservedCondition[];
}) => (
  <InfoCard title={title}>
    {conditions.length === 0 ? (
      <Typography color="textSecondary">No conditions reported.</Typography>
    ) : (
      <SimpleTable
        label={title}
        columns={['Type', 'Status', 'Reason', 'Message', 'Last change']}
        rows={conditions.map(c => ({
          key: c.type,
          cells: [
            c.type,
            c.status,
            c.reason ?? '',
            c.message ?? '',
            c.lastTransitionTime ? formatDateTime(c.lastTransitionTime) : '',
          ],
        }))}
      />
    )}
  </InfoCard>
);

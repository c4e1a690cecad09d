import { InfoCard } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import type { ObservedEvent } from '@gpu-fleet/plugin-gpu-fleet-common';
import { formatDateTime } from '../shared/formatters';
import { SimpleTable } from '../shared/SimpleTable';

/** Warnings first, newest first within each type. */
export function sortEvents(events: readonly ObservedEvent[]): ObservedEvent[] {
  return [...events].sort(
    (a, b) =>
      Number(b.type === 'Warning') - Number(a.type === 'Warning') ||
      (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''),
  );
}

/** Events about the deployment's own objects. */
export const EventsCard = ({ events }: { events: ObservedEvent[] }) => (
  <InfoCard title="Events">
    {events.length === 0 ? (
      <Typography color="textSecondary">No events reported.</Typography>
    ) : (
      <SimpleTable
        label="Events"
        columns={['Type', 'Reason', 'Object', 'Message', 'Count', 'Last seen']}
        rows={sortEvents(events).map(e => ({
          key: `${e.object}/${e.reason}/${e.message}`,
          cells: [
            e.type,
            e.reason,
            e.object,
            e.message,
            String(e.count),
            e.lastTimestamp ? formatDateTime(e.lastTimestamp) : '',
          ],
        }))}
      />
    )}
  </InfoCard>
);

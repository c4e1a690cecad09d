import { Progress, Table, TableColumn } from '@backstage/core-components';
import { Box, Button } from '@material-ui/core';
import type { AuditEntry } from '@gpu-fleet/plugin-gpu-fleet-common';
import { PolledState } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { formatDateTime } from '../shared/formatters';

const columns: TableColumn<AuditEntry>[] = [
  { title: 'When', field: 'at', render: e => formatDateTime(e.at) },
  { title: 'Who', field: 'actor' },
  { title: 'What', field: 'action' },
  {
    title: 'Details',
    field: 'details',
    render: e =>
      Object.keys(e.details).length === 0 ? '—' : JSON.stringify(e.details),
  },
];

export const AuditLogCard = ({
  audit,
  pageSize,
  onShowMore,
}: {
  audit: PolledState<AuditEntry[]>;
  pageSize: number;
  onShowMore(): void;
}) => {
  if (audit.loading && !audit.value) return <Progress />;
  if (!audit.value) {
    return (
      <ApiErrorPanel
        title="Could not load the audit log"
        error={audit.error ?? new Error('no answer')}
      />
    );
  }
  return (
    <>
      <Table<AuditEntry>
        title="Audit log"
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={audit.value}
        emptyContent={<Box p={2}>Nothing recorded yet.</Box>}
      />
      {audit.value.length >= pageSize && (
        <Box mt={1}>
          <Button variant="outlined" onClick={onShowMore}>
            Show older entries
          </Button>
        </Box>
      )}
    </>
  );
};

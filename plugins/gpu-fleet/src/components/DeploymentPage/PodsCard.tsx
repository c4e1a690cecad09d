import { InfoCard } from '@backstage/core-components';
import { Button, Typography } from '@material-ui/core';
import type { ObservedPod } from '@gpu-fleet/plugin-gpu-fleet-common';
import { formatYesNo } from '../shared/formatters';
import { SimpleTable } from '../shared/SimpleTable';

/** The deployment's pods, each with a way to read its log. */
export const PodsCard = ({
  pods,
  onLogs,
}: {
  pods: ObservedPod[];
  onLogs(pod: ObservedPod): void;
}) => (
  <InfoCard title="Pods">
    {pods.length === 0 ? (
      <Typography color="textSecondary">No pods reported.</Typography>
    ) : (
      <SimpleTable
        label="Pods"
        columns={[
          'Name',
          'Role',
          'Phase',
          'Ready',
          'Restarts',
          'Node',
          'Reason',
          'Log',
        ]}
        rows={pods.map(pod => ({
          key: pod.name,
          cells: [
            pod.name,
            pod.role ?? '',
            pod.phase,
            formatYesNo(pod.ready),
            String(pod.restarts),
            pod.node ?? 'not scheduled',
            [pod.reason, pod.message].filter(Boolean).join(': '),
            <Button
              size="small"
              variant="outlined"
              aria-label={`Logs of ${pod.name}`}
              onClick={() => onLogs(pod)}
            >
              Logs
            </Button>,
          ],
        }))}
      />
    )}
  </InfoCard>
);

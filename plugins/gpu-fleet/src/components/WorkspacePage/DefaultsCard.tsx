import { InfoCard } from '@backstage/core-components';
import { Button, Typography } from '@material-ui/core';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';
import { ReactNode } from 'react';
import { FactList } from '../shared/FactList';
import {
  formatLabels,
  formatToleration,
  formatYesNo,
} from '../shared/formatters';

/** What every deployment into the workspace inherits. */
export const DefaultsCard = ({
  workspace,
  onEdit,
}: {
  workspace: WorkspaceView;
  /** Given only to people who may change settings. */
  onEdit?: () => void;
}) => {
  const { defaults } = workspace;
  const tolerations: ReactNode =
    defaults.tolerations.length === 0 ? (
      'none'
    ) : (
      <ul aria-label="Tolerations" style={{ margin: 0, paddingLeft: 20 }}>
        {defaults.tolerations.map(t => (
          <li key={formatToleration(t)}>{formatToleration(t)}</li>
        ))}
      </ul>
    );
  return (
    <InfoCard
      title="Defaults"
      action={
        onEdit && (
          <Button variant="outlined" color="primary" onClick={onEdit}>
            Edit settings
          </Button>
        )
      }
    >
      <Typography variant="body2" gutterBottom>
        Every deployment into this workspace inherits these.
      </Typography>
      <FactList
        label="Defaults"
        facts={[
          ['Tolerations', tolerations],
          ['Node selector', formatLabels(defaults.nodeSelector)],
          ['Priority class', defaults.priorityClassName ?? 'none'],
          ['Capacity type', defaults.capacityType ?? 'any'],
          ['Privileged (RDMA) pods', formatYesNo(workspace.allowPrivileged)],
        ]}
      />
    </InfoCard>
  );
};

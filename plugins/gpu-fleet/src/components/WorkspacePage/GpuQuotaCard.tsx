import { InfoCard } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import type {
  WorkspaceNamespaceState,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { PolledState } from '../../hooks/usePolledAsync';
import { errorMessage } from '../../api/apiErrors';
import { AllocationBar } from '../shared/AllocationBar';
import { formatGpuQuota } from '../shared/formatters';
import { quotaUsage } from './quotaUsage';

const InUse = ({
  namespace,
}: {
  namespace: PolledState<WorkspaceNamespaceState>;
}) => {
  const state = namespace.value;
  if (!state) {
    return (
      <Typography variant="body2" color="textSecondary">
        {namespace.error
          ? `Use could not be read: ${errorMessage(namespace.error)}`
          : 'Reading use from the cluster…'}
      </Typography>
    );
  }
  if (!state.reachable) {
    return (
      <Typography variant="body2" color="textSecondary">
        Use cannot be read while the cluster is unreachable.
      </Typography>
    );
  }
  if (state.quota.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The namespace has no GPU quota object yet.
      </Typography>
    );
  }
  const usage = quotaUsage(state);
  if (usage.length === 0) {
    return (
      <Typography variant="body2">
        The namespace's GPU limit is 0: pods here cannot request GPUs.
      </Typography>
    );
  }
  return (
    <>
      {usage.map(u =>
        u.figures ? (
          <AllocationBar key={u.resource} label={u.label} figures={u.figures} />
        ) : (
          <Typography key={u.resource} variant="body2">
            {u.label}: {u.used} in use of {u.hard}
          </Typography>
        ),
      )}
    </>
  );
};

/** The quota as set, and the namespace's hard limit against what pods request now. */
export const GpuQuotaCard = ({
  workspace,
  namespace,
}: {
  workspace: WorkspaceView;
  namespace: PolledState<WorkspaceNamespaceState>;
}) => (
  <InfoCard title="GPU quota">
    <Typography variant="body2" gutterBottom>
      <strong>Quota:</strong> {formatGpuQuota(workspace.gpuQuota)}
    </Typography>
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        In use now
      </Typography>
      <InUse namespace={namespace} />
    </Box>
  </InfoCard>
);

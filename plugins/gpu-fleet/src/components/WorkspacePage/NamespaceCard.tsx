import { InfoCard, Progress } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type {
  WorkspaceNamespaceState,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { PolledState } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { FactList } from '../shared/FactList';
import { formatYesNo } from '../shared/formatters';

/** What the cluster says of the namespace right now. */
export const NamespaceCard = ({
  workspace,
  namespace,
}: {
  workspace: WorkspaceView;
  namespace: PolledState<WorkspaceNamespaceState>;
}) => {
  const state = namespace.value;
  let content;
  if (!state && namespace.loading) {
    content = <Progress />;
  } else if (!state) {
    content = (
      <ApiErrorPanel
        title="Could not read the namespace"
        error={namespace.error ?? new Error('no answer')}
      />
    );
  } else if (!state.reachable) {
    content = (
      <Alert severity="warning">
        Cluster {workspace.cluster} cannot be reached, so the namespace's state
        is unknown
        {state.message ? `: ${state.message}` : '.'}
      </Alert>
    );
  } else {
    content = (
      <FactList
        label="Namespace state"
        facts={[
          ['Namespace', workspace.namespace],
          ['Exists', formatYesNo(state.namespace.exists)],
          ['Phase', state.namespace.phase ?? '—'],
          ['Pod Security level', state.namespace.podSecurity ?? 'not set'],
        ]}
      />
    );
  }
  return (
    <InfoCard title={`Namespace on ${workspace.cluster}`}>
      {content}
      {state?.reachable && !state.namespace.exists && (
        <Typography variant="body2" color="textSecondary">
          GPU Fleet creates the namespace when the workspace is created or its
          settings are saved.
        </Typography>
      )}
    </InfoCard>
  );
};

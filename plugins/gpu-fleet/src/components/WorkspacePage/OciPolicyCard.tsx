import { InfoCard } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import {
  ociWorkloadPolicyStatement,
  WorkspaceView,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { CopyableBlock } from '../shared/CopyableBlock';

/**
 * OKE binds workloads to OCI through an IAM policy, not a ServiceAccount
 * annotation: the statement to paste into the tenancy's policies.
 */
export const OciPolicyCard = ({ workspace }: { workspace: WorkspaceView }) => {
  const statement = ociWorkloadPolicyStatement(workspace, 'oke');
  if (!statement) return null;
  const { ociClusterId, ociCompartment } = workspace.workloadIdentity;
  return (
    <InfoCard title="OCI workload identity">
      <Typography variant="body2" paragraph>
        On OKE, workload identity works only on Enhanced clusters, and only for
        workloads that call OCI through the OCI SDKs. Add this statement to an
        IAM policy to give pods running as the workload ServiceAccount in this
        namespace their rights; change the verb and resource to what they need.
      </Typography>
      <CopyableBlock label="IAM policy statement" text={statement} />
      {(!ociClusterId || !ociCompartment) && (
        <Typography variant="body2" color="textSecondary">
          Replace the placeholders in angle brackets, or have a workspace admin
          set the cluster OCID and compartment in the workspace's settings.
        </Typography>
      )}
    </InfoCard>
  );
};

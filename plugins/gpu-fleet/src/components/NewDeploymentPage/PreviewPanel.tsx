import { InfoCard } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import type { DeploymentPreview } from '@gpu-fleet/plugin-gpu-fleet-common';
import { CopyableBlock } from '../shared/CopyableBlock';
import { UnmetRequirementList } from '../shared/UnmetRequirementList';

/** What creating the deployment would commit, and what keeps it from running there. */
export const PreviewPanel = ({ preview }: { preview: DeploymentPreview }) => {
  const files = Object.entries(preview.files);
  return (
    <InfoCard title="Preview">
      <Typography variant="body2" paragraph>
        {`${preview.objects.length} ${
          preview.objects.length === 1 ? 'object' : 'objects'
        } for namespace ${preview.namespace} on cluster ${
          preview.cluster
        }, committed to ${preview.path}.`}
      </Typography>
      <Box mb={2}>
        {preview.unmet.length === 0 ? (
          <Alert severity="success">
            Cluster {preview.cluster} meets every requirement.
          </Alert>
        ) : (
          <Alert severity="warning">
            <strong>
              Cluster {preview.cluster} does not meet every requirement:
            </strong>
            <UnmetRequirementList
              unmet={preview.unmet}
              label="Unmet requirements"
            />
          </Alert>
        )}
      </Box>
      {files.map(([name, text]) => (
        <CopyableBlock key={name} label={name} text={text} />
      ))}
    </InfoCard>
  );
};

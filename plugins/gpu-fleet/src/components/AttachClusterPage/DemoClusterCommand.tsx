import { Box, TextField, Typography } from '@material-ui/core';
import {
  AttachClusterResponse,
  defaultDemoGpuShape,
  getProviderProfile,
  parseGpuShapes,
  renderDemoClusterCommand,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { useState } from 'react';
import { CopyableBlock } from '../shared/CopyableBlock';

/**
 * The local default's stand-in for the helm command: a simulated cluster of
 * the chosen provider and GPU shape whose real agent connects with the token.
 */
export const DemoClusterCommand = ({
  response,
  portalUrl,
}: {
  response: AttachClusterResponse;
  portalUrl: string;
}) => {
  const { cluster, token } = response;
  const [shape, setShape] = useState(() =>
    defaultDemoGpuShape(cluster.provider),
  );
  const parsed = parseGpuShapes(shape);
  return (
    <Box mt={3} mb={2}>
      <Typography variant="subtitle1" component="h3">
        No cluster at hand? Simulate one
      </Typography>
      <Typography variant="body2" paragraph>
        This portal runs from the repository, so instead of the helm command you
        can run this from the repository&apos;s root: it starts a simulated{' '}
        {getProviderProfile(cluster.provider).title} cluster with the GPUs below
        and a real agent that connects with the token. Watch{' '}
        {cluster.displayName} connect, its prerequisites arrive and its GPUs
        join the capacity page; Ctrl-C stops it.
      </Typography>
      <Box maxWidth={560}>
        <TextField
          id="demo-cluster-gpu-shape"
          label="GPU shape"
          fullWidth
          margin="normal"
          variant="outlined"
          value={shape}
          onChange={e => setShape(e.target.value)}
          error={!parsed.ok}
          helperText={
            parsed.ok
              ? 'GPU type x GPUs per node, for two nodes; commas add node pools, e.g. H100x8,L40Sx4.'
              : `GPU shape ${parsed.message}`
          }
          inputProps={{ autoCapitalize: 'none', spellCheck: false }}
        />
      </Box>
      {parsed.ok && (
        <CopyableBlock
          label="Simulated cluster command"
          text={renderDemoClusterCommand({
            provider: cluster.provider,
            clusterName: cluster.name,
            token,
            addons: cluster.addons,
            gpuShapes: parsed.shapes,
            portalUrl,
          })}
        />
      )}
    </Box>
  );
};

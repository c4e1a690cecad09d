import { Box, TextField } from '@material-ui/core';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';

/** Narrows the list to one workspace; the choice lives in the URL. */
export const WorkspaceFilter = ({
  value,
  workspaces,
  onChange,
}: {
  value: string;
  workspaces: WorkspaceView[];
  onChange(workspace: string): void;
}) => {
  const names = workspaces.map(w => w.name);
  // Keep a workspace from the URL selectable even before the list loads.
  if (value && !names.includes(value)) names.push(value);
  return (
    <Box minWidth={240}>
      <TextField
        id="deployments-filter-workspace"
        select
        SelectProps={{ native: true }}
        fullWidth
        variant="outlined"
        size="small"
        label="Workspace"
        value={value}
        onChange={e => onChange(e.target.value)}
      >
        <option value="">All workspaces</option>
        {names.map(name => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </TextField>
    </Box>
  );
};

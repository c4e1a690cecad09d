import { InfoCard } from '@backstage/core-components';
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { WorkspaceView } from '@gpu-fleet/plugin-gpu-fleet-common';

/** Who may use the workspace, and in which role. */
export const MembersCard = ({
  workspace,
  onEdit,
}: {
  workspace: WorkspaceView;
  /** Given only to people who may change members. */
  onEdit?: () => void;
}) => (
  <InfoCard
    title="Members"
    action={
      onEdit && (
        <Button variant="outlined" color="primary" onClick={onEdit}>
          Edit members
        </Button>
      )
    }
  >
    {workspace.members.length === 0 ? (
      <Typography variant="body2" color="textSecondary">
        No members: only fleet admins reach this workspace.
      </Typography>
    ) : (
      <Table size="small" aria-label="Members">
        <TableHead>
          <TableRow>
            <TableCell>User or group</TableCell>
            <TableCell>Role</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {workspace.members.map(member => (
            <TableRow key={member.ref}>
              <TableCell component="th" scope="row">
                {member.ref}
              </TableCell>
              <TableCell>{member.role}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    )}
  </InfoCard>
);

import {
  InfoCard,
  Progress,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import type { PrerequisiteView } from '../../api/GpuFleetApi';
import { PolledState } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';

const StatusWord = ({ status }: { status: PrerequisiteView['status'] }) => {
  if (status === 'pass') return <StatusOK>pass</StatusOK>;
  if (status === 'fail') return <StatusError>fail</StatusError>;
  return <StatusPending>unknown</StatusPending>;
};

/** Every check with its result; failing ones say what to do about it. */
export const PrerequisitesCard = ({
  prerequisites,
}: {
  prerequisites: PolledState<PrerequisiteView[]>;
}) => {
  let content;
  if (prerequisites.loading && !prerequisites.value) {
    content = <Progress />;
  } else if (!prerequisites.value) {
    content = (
      <ApiErrorPanel
        title="Could not load the prerequisite checks"
        error={prerequisites.error ?? new Error('no answer')}
      />
    );
  } else {
    const checks = prerequisites.value;
    const failing = checks.filter(c => c.status === 'fail').length;
    content = (
      <>
        <Typography variant="body2" gutterBottom>
          {checks.filter(c => c.status === 'pass').length} of {checks.length}{' '}
          checks pass
          {failing > 0 ? `, ${failing} failing` : ''}.
        </Typography>
        <List dense aria-label="Prerequisite checks">
          {checks.map(check => (
            <ListItem key={check.id} alignItems="flex-start" divider>
              <ListItemText
                disableTypography
                primary={
                  <Typography variant="subtitle2" component="h3">
                    <StatusWord status={check.status} /> {check.title}
                  </Typography>
                }
                secondary={
                  <>
                    <Typography variant="body2" color="textSecondary">
                      {check.message}
                    </Typography>
                    {check.status === 'fail' && (
                      <Typography variant="body2">
                        <strong>What to do:</strong> {check.advice}
                      </Typography>
                    )}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      </>
    );
  }
  return <InfoCard title="Prerequisites">{content}</InfoCard>;
};

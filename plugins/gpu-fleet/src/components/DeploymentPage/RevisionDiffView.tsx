import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, makeStyles, Typography } from '@material-ui/core';
import { gpuFleetApiRef } from '../../api/GpuFleetApi';
import { usePolledAsync } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { shortCommit } from '../shared/formatters';

type Change = 'added' | 'removed' | 'hunk' | 'file' | 'context';

const useStyles = makeStyles(theme => ({
  diff: {
    margin: 0,
    padding: theme.spacing(1.5),
    maxHeight: '60vh',
    overflow: 'auto',
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    '& > span': { display: 'block', whiteSpace: 'pre' },
  },
  added: {
    color: theme.palette.success.dark,
    background: 'rgba(46, 160, 67, 0.15)',
  },
  removed: {
    color: theme.palette.error.dark,
    background: 'rgba(248, 81, 73, 0.15)',
  },
  hunk: { color: theme.palette.info.dark },
  file: { fontWeight: theme.typography.fontWeightBold as number },
  context: {},
}));

/** What a line of a unified diff is. */
export function lineChange(line: string): Change {
  if (
    line.startsWith('diff ') ||
    line.startsWith('+++') ||
    line.startsWith('---') ||
    line.startsWith('index ') ||
    line.startsWith('new file') ||
    line.startsWith('deleted file')
  ) {
    return 'file';
  }
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  return 'context';
}

/** One revision's diff of the deployment's folder, added and removed lines coloured. */
export const RevisionDiffView = ({
  workspace,
  name,
  revision,
}: {
  workspace: string;
  name: string;
  revision: number;
}) => {
  const api = useApi(gpuFleetApiRef);
  const classes = useStyles();
  const diff = usePolledAsync(
    () => api.getRevisionDiff(workspace, name, revision),
    [api, workspace, name, revision],
  );
  if (diff.loading && !diff.value) return <Progress />;
  if (!diff.value) {
    return (
      <ApiErrorPanel
        title={`Could not load the diff of revision ${revision}`}
        error={diff.error ?? new Error('no answer')}
      />
    );
  }
  const { commit, previousCommit } = diff.value;
  const text = diff.value.diff.replace(/\n$/, '');
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {`Revision ${revision}: ${
          previousCommit ? shortCommit(previousCommit) : 'nothing'
        } → ${shortCommit(commit)}`}
      </Typography>
      {text ? (
        <pre
          className={classes.diff}
          aria-label={`Changes in revision ${revision}`}
          // Focusable so keyboard users can scroll a long diff.
          // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
          tabIndex={0}
        >
          {text.split('\n').map((line, index) => {
            const change = lineChange(line);
            return (
              <span
                key={index}
                className={classes[change]}
                data-change={change}
              >
                {line || ' '}
              </span>
            );
          })}
        </pre>
      ) : (
        <Typography color="textSecondary">
          The revision changed nothing in the deployment's folder.
        </Typography>
      )}
    </Box>
  );
};

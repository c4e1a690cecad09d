import { InfoCard, Progress } from '@backstage/core-components';
import { Button, Tooltip, Typography } from '@material-ui/core';
import type { DeploymentRevision } from '@gpu-fleet/plugin-gpu-fleet-common';
import { useState } from 'react';
import type { PolledState } from '../../hooks/usePolledAsync';
import { ApiErrorPanel } from '../shared/ApiErrorPanel';
import { formatDateTime, shortCommit } from '../shared/formatters';
import { SimpleTable } from '../shared/SimpleTable';
import { RevisionDiffView } from './RevisionDiffView';

/** Every revision, newest first; choosing one shows what its commit changed. */
export const RevisionsCard = ({
  workspace,
  name,
  revisions,
}: {
  workspace: string;
  name: string;
  revisions: PolledState<DeploymentRevision[]>;
}) => {
  const [selected, setSelected] = useState<number>();

  let content;
  if (revisions.loading && !revisions.value) {
    content = <Progress />;
  } else if (!revisions.value) {
    content = (
      <ApiErrorPanel
        title="Could not load the revisions"
        error={revisions.error ?? new Error('no answer')}
      />
    );
  } else {
    content = (
      <>
        <SimpleTable
          label="Revisions"
          columns={[
            'Revision',
            'Action',
            'Author',
            'Commit',
            'Message',
            'Time',
            'Diff',
          ]}
          rows={revisions.value.map(r => ({
            key: String(r.revision),
            selected: r.revision === selected,
            cells: [
              String(r.revision),
              r.action,
              r.author,
              r.commit ? (
                <Tooltip title={r.commit}>
                  <code>{shortCommit(r.commit)}</code>
                </Tooltip>
              ) : (
                'not committed yet'
              ),
              r.message,
              formatDateTime(r.createdAt),
              r.commit ? (
                <Button
                  size="small"
                  variant={r.revision === selected ? 'contained' : 'outlined'}
                  aria-pressed={r.revision === selected}
                  aria-label={`Diff of revision ${r.revision}`}
                  onClick={() =>
                    setSelected(
                      r.revision === selected ? undefined : r.revision,
                    )
                  }
                >
                  Diff
                </Button>
              ) : (
                ''
              ),
            ],
          }))}
        />
        {selected === undefined ? (
          <Typography variant="body2" color="textSecondary">
            Choose a revision's diff to see what its commit changed.
          </Typography>
        ) : (
          <RevisionDiffView
            workspace={workspace}
            name={name}
            revision={selected}
          />
        )}
      </>
    );
  }
  return <InfoCard title="Revisions">{content}</InfoCard>;
};

import { Box } from '@material-ui/core';
import Alert from '@material-ui/lab/Alert';
import { ApiIssue, issueText, issuesNotShown } from '../../api/apiIssues';

/**
 * Announces that a save failed. Issues the form already shows beside their
 * inputs are only counted; the rest (no field, or a field the form has no input for) are
 * spelled out with the field the API named.
 */
export const FormIssuesAlert = ({
  title,
  issues,
  shown,
}: {
  title: string;
  issues: readonly ApiIssue[];
  /** Paths that inputs on the form show issues for. */
  shown: readonly string[];
}) => {
  if (issues.length === 0) return null;
  const rest = issuesNotShown(issues, shown);
  const marked = issues.length - rest.length;
  return (
    <Box mt={2}>
      <Alert severity="error" role="alert">
        <strong>{title}</strong>
        {rest.map(issue => (
          <div key={issueText(issue)}>{issueText(issue)}</div>
        ))}
        {marked > 0 && (
          <div>
            {marked === 1
              ? 'Fix the problem marked above.'
              : `Fix the ${marked} problems marked above.`}
          </div>
        )}
      </Alert>
    </Box>
  );
};

import { makeStyles } from '@material-ui/core';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { fontWeight: theme.typography.fontWeightMedium as number },
    '& dd': { margin: 0, overflowWrap: 'anywhere' },
  },
}));

/** Term and value pairs as a description list, terms in one column. */
export const FactList = ({
  facts,
  label,
}: {
  facts: Array<[string, ReactNode]>;
  label?: string;
}) => {
  const classes = useStyles();
  return (
    <dl className={classes.list} aria-label={label}>
      {facts.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
};

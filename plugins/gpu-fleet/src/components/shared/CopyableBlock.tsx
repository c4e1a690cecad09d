import { CopyTextButton } from '@backstage/core-components';
import { Box, makeStyles, Typography } from '@material-ui/core';
import { useId } from 'react';

const useStyles = makeStyles(theme => ({
  pre: {
    margin: 0,
    padding: theme.spacing(1.5),
    overflowX: 'auto',
    whiteSpace: 'pre',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
    background: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
}));

/** A labelled block of text (command, token, file) with a copy button. */
export const CopyableBlock = ({
  label,
  text,
}: {
  label: string;
  text: string;
}) => {
  const classes = useStyles();
  const id = useId();
  return (
    <Box mb={2}>
      <Box display="flex" alignItems="center" justifyContent="space-between">
        <Typography variant="subtitle2" component="h3" id={id}>
          {label}
        </Typography>
        <CopyTextButton text={text} aria-label={`Copy ${label}`} />
      </Box>
      {/* Focusable so keyboard users can scroll a long line. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <pre className={classes.pre} aria-labelledby={id} tabIndex={0}>
        {text}
      </pre>
    </Box>
  );
};

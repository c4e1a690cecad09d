import { Box, Typography } from '@material-ui/core';
import { useId } from 'react';

/** One big number with its caption, read as "caption: value". */
export const SummaryFigure = ({
  label,
  value,
}: {
  label: string;
  value: string | number;
}) => {
  const id = useId();
  return (
    <Box role="group" aria-labelledby={id} minWidth={120} mr={4} mb={1}>
      <Typography variant="overline" component="div" id={id}>
        {label}
      </Typography>
      <Typography variant="h4" component="div">
        {value}
      </Typography>
    </Box>
  );
};

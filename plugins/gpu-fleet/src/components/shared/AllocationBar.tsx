import { Box, makeStyles, Typography } from '@material-ui/core';
import type { CapacityFigures } from '@gpu-fleet/plugin-gpu-fleet-common';

const useStyles = makeStyles(theme => ({
  track: {
    display: 'flex',
    height: 14,
    borderRadius: 7,
    overflow: 'hidden',
    background: theme.palette.action.hover,
    border: `1px solid ${theme.palette.divider}`,
  },
  allocated: { background: theme.palette.primary.main },
  free: { background: theme.palette.success.main },
  unavailable: { background: theme.palette.grey[500] },
}));

type Figures = Pick<CapacityFigures, 'total' | 'allocated' | 'free'>;

export function describeAllocation(figures: Figures): string {
  const { total, allocated, free } = figures;
  const unavailable = Math.max(0, total - allocated - free);
  return `${allocated} allocated, ${free} free${
    unavailable > 0 ? `, ${unavailable} unavailable` : ''
  } of ${total} GPUs`;
}

/** Allocated against free as one bar; the words carry the same figures. */
export const AllocationBar = ({
  label,
  figures,
}: {
  label: string;
  figures: Figures;
}) => {
  const classes = useStyles();
  const { total, allocated, free } = figures;
  const share = (n: number) => (total > 0 ? `${(n / total) * 100}%` : '0%');
  const unavailable = Math.max(0, total - allocated - free);
  const text = describeAllocation(figures);
  return (
    <Box mb={1.5}>
      <Box display="flex" justifyContent="space-between" flexWrap="wrap">
        <Typography variant="body2" component="span">
          <strong>{label}</strong>
        </Typography>
        <Typography variant="body2" component="span" color="textSecondary">
          {text}
        </Typography>
      </Box>
      <div
        className={classes.track}
        role="img"
        aria-label={`${label}: ${text}`}
      >
        <div
          className={classes.allocated}
          style={{ width: share(allocated) }}
        />
        <div className={classes.free} style={{ width: share(free) }} />
        <div
          className={classes.unavailable}
          style={{ width: share(unavailable) }}
        />
      </div>
    </Box>
  );
};

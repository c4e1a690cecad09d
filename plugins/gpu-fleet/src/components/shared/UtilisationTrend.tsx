import { Box, makeStyles, Typography, useTheme } from '@material-ui/core';
import type { CapacityHistoryPoint } from '@gpu-fleet/plugin-gpu-fleet-common';
import { formatDateTime, formatPercent } from './formatters';

const WIDTH = 600;
const HEIGHT = 160;
const PAD = 4;

const useStyles = makeStyles(theme => ({
  svg: {
    width: '100%',
    height: HEIGHT,
    display: 'block',
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  key: { display: 'inline-block', width: 12, height: 3, marginRight: 4 },
}));

export function describeTrend(points: CapacityHistoryPoint[]): string {
  const last = points[points.length - 1];
  const peak = Math.max(...points.map(p => p.allocated));
  const low = Math.min(...points.map(p => p.allocated));
  return `From ${formatDateTime(points[0].at)} to ${formatDateTime(
    last.at,
  )}: now ${last.allocated} of ${last.total} GPUs allocated (${formatPercent(
    last.allocated,
    last.total,
  )}); at most ${peak}, at least ${low} allocated.`;
}

/** Total and allocated GPUs over time as two lines, summarised in words. */
export const UtilisationTrend = ({
  points,
}: {
  points: CapacityHistoryPoint[];
}) => {
  const classes = useStyles();
  const theme = useTheme();
  if (points.length === 0) {
    return (
      <Typography color="textSecondary">
        No capacity history in this window yet.
      </Typography>
    );
  }
  const times = points.map(p => new Date(p.at).getTime());
  const start = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - start);
  const top = Math.max(1, ...points.map(p => p.total));
  const x = (t: number) =>
    points.length === 1
      ? WIDTH / 2
      : PAD + ((t - start) / span) * (WIDTH - 2 * PAD);
  const y = (v: number) => HEIGHT - PAD - (v / top) * (HEIGHT - 2 * PAD);
  const line = (pick: (p: CapacityHistoryPoint) => number) =>
    points.map((p, i) => `${x(times[i])},${y(pick(p))}`).join(' ');
  const summary = describeTrend(points);

  return (
    <Box>
      <svg
        className={classes.svg}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`GPU allocation trend. ${summary}`}
      >
        <polyline
          points={line(p => p.total)}
          fill="none"
          stroke={theme.palette.text.secondary}
          strokeWidth={2}
          strokeDasharray="6 4"
          vectorEffect="non-scaling-stroke"
        />
        <polyline
          points={line(p => p.allocated)}
          fill="none"
          stroke={theme.palette.primary.main}
          strokeWidth={2.5}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <Box mt={1} display="flex" flexWrap="wrap" alignItems="center">
        <Typography variant="caption" component="span">
          <span
            className={classes.key}
            style={{ background: theme.palette.primary.main }}
          />
          allocated
        </Typography>
        <Box mx={2} component="span" />
        <Typography variant="caption" component="span">
          <span
            className={classes.key}
            style={{ background: theme.palette.text.secondary }}
          />
          total (dashed)
        </Typography>
      </Box>
      <Typography variant="body2">{summary}</Typography>
    </Box>
  );
};

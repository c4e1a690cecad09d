import { InfoCard } from '@backstage/core-components';
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { CapacityRow } from '@gpu-fleet/plugin-gpu-fleet-common';
import { providerTitle } from '../shared/formatters';
import { capacityMatrix } from './capacityMatrix';

const useStyles = makeStyles({
  figures: {
    margin: 0,
    '& dt': { display: 'inline' },
    '& dd': { display: 'inline', margin: 0 },
  },
});

/** Provider × GPU type; each cell says total, allocated and free. */
export const CapacityMatrixTable = ({ rows }: { rows: CapacityRow[] }) => {
  const classes = useStyles();
  const matrix = capacityMatrix(rows);
  return (
    <InfoCard title="By provider and GPU type">
      <Table size="small" aria-label="GPUs by provider and GPU type">
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              Provider
            </TableCell>
            {matrix.gpuTypes.map(gpuType => (
              <TableCell key={gpuType} component="th" scope="col">
                {gpuType}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {matrix.providers.map(provider => (
            <TableRow key={provider}>
              <TableCell component="th" scope="row">
                {providerTitle(provider)}
              </TableCell>
              {matrix.gpuTypes.map(gpuType => {
                const figures = matrix.cell(provider, gpuType);
                return (
                  <TableCell key={gpuType}>
                    {figures ? (
                      <dl className={classes.figures}>
                        <div>
                          <dt>Total </dt>
                          <dd>{figures.total}</dd>
                        </div>
                        <div>
                          <dt>Allocated </dt>
                          <dd>{figures.allocated}</dd>
                        </div>
                        <div>
                          <dt>Free </dt>
                          <dd>{figures.free}</dd>
                        </div>
                      </dl>
                    ) : (
                      <Typography variant="body2" color="textSecondary">
                        none
                      </Typography>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
};

import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@material-ui/core';
import { ReactNode } from 'react';

export interface SimpleTableRow {
  key: string;
  /** The first cell heads the row. */
  cells: ReactNode[];
  selected?: boolean;
}

/** A small labelled table: column headers, and rows whose first cell names them. */
export const SimpleTable = ({
  label,
  columns,
  rows,
}: {
  label: string;
  columns: string[];
  rows: SimpleTableRow[];
}) => (
  <Table size="small" aria-label={label}>
    <TableHead>
      <TableRow>
        {columns.map(title => (
          <TableCell key={title} component="th" scope="col">
            {title}
          </TableCell>
        ))}
      </TableRow>
    </TableHead>
    <TableBody>
      {rows.map(row => (
        <TableRow key={row.key} selected={row.selected}>
          {row.cells.map((cell, index) =>
            index === 0 ? (
              <TableCell key={index} component="th" scope="row">
                {cell}
              </TableCell>
            ) : (
              <TableCell key={index}>{cell}</TableCell>
            ),
          )}
        </TableRow>
      ))}
    </TableBody>
  </Table>
);

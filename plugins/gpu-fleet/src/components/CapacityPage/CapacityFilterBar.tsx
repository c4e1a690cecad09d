import { Box, Button, MenuItem, TextField } from '@material-ui/core';
import {
  CAPACITY_TYPES,
  PROVIDER_IDS,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import type { CapacityFilters } from '../../api/GpuFleetApi';
import { providerTitle } from '../shared/formatters';
import { TREND_WINDOWS, TrendWindow } from './capacitySearchParams';

interface Option {
  value: string;
  label: string;
}

const FilterSelect = ({
  id,
  label,
  value,
  options,
  onChange,
  allLabel,
}: {
  id: string;
  label: string;
  value: string;
  options: Option[];
  onChange(value: string): void;
  allLabel?: string;
}) => {
  // Keep a value from the URL selectable even before its options load.
  const all =
    value && !options.some(o => o.value === value)
      ? [...options, { value, label: value }]
      : options;
  return (
    <Box mr={2} mb={2} minWidth={180}>
      <TextField
        id={id}
        select
        fullWidth
        variant="outlined"
        size="small"
        label={label}
        value={value}
        onChange={e => onChange(e.target.value)}
      >
        {allLabel !== undefined && <MenuItem value="">{allLabel}</MenuItem>}
        {all.map(o => (
          <MenuItem key={o.value} value={o.value}>
            {o.label}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
};

export const CapacityFilterBar = ({
  filters,
  gpuTypes,
  clusters,
  trendWindow,
  onChange,
  onClear,
}: {
  filters: CapacityFilters;
  gpuTypes: string[];
  clusters: string[];
  trendWindow: TrendWindow;
  onChange(key: string, value: string): void;
  onClear(): void;
}) => (
  <Box
    component="section"
    aria-label="Filters"
    display="flex"
    flexWrap="wrap"
    alignItems="flex-start"
  >
    <FilterSelect
      id="capacity-filter-provider"
      label="Provider"
      allLabel="All providers"
      value={filters.provider ?? ''}
      options={PROVIDER_IDS.map(p => ({ value: p, label: providerTitle(p) }))}
      onChange={v => onChange('provider', v)}
    />
    <FilterSelect
      id="capacity-filter-gpu-type"
      label="GPU type"
      allLabel="All GPU types"
      value={filters.gpuType ?? ''}
      options={gpuTypes.map(g => ({ value: g, label: g }))}
      onChange={v => onChange('gpuType', v)}
    />
    <FilterSelect
      id="capacity-filter-capacity-type"
      label="Capacity type"
      allLabel="All capacity types"
      value={filters.capacityType ?? ''}
      options={CAPACITY_TYPES.map(c => ({ value: c, label: c }))}
      onChange={v => onChange('capacityType', v)}
    />
    <FilterSelect
      id="capacity-filter-cluster"
      label="Cluster"
      allLabel="All clusters"
      value={filters.cluster ?? ''}
      options={clusters.map(c => ({ value: c, label: c }))}
      onChange={v => onChange('cluster', v)}
    />
    <FilterSelect
      id="capacity-trend-window"
      label="Trend window"
      value={trendWindow}
      options={Object.entries(TREND_WINDOWS).map(([value, w]) => ({
        value,
        label: w.label,
      }))}
      onChange={v => onChange('window', v)}
    />
    <Box mb={2}>
      <Button variant="outlined" onClick={onClear}>
        Clear filters
      </Button>
    </Box>
  </Box>
);

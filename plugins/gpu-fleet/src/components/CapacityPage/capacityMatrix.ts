import type {
  CapacityFigures,
  CapacityRow,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

export interface CapacityMatrix {
  providers: ProviderId[];
  gpuTypes: string[];
  cell(provider: ProviderId, gpuType: string): CapacityFigures | undefined;
}

/** Rows grouped by provider and GPU type, laid out as a grid. */
export function capacityMatrix(rows: CapacityRow[]): CapacityMatrix {
  const cells = new Map<string, CapacityFigures>();
  const providers = new Set<ProviderId>();
  const gpuTypes = new Set<string>();
  for (const row of rows) {
    const { provider, gpuType } = row.key;
    if (!provider || !gpuType) continue;
    providers.add(provider);
    gpuTypes.add(gpuType);
    cells.set(`${provider}\u0000${gpuType}`, row);
  }
  return {
    providers: [...providers].sort(),
    gpuTypes: [...gpuTypes].sort(),
    cell: (provider, gpuType) => cells.get(`${provider}\u0000${gpuType}`),
  };
}

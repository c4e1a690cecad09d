import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { GpuFleetApiRequests } from '../GpuFleetApiRequests';
import {
  CapacityGroupKey,
  CapacityResponse,
} from '@gpu-fleet/plugin-gpu-fleet-common';

/** Narrows capacity to matching GPUs; each field is a list of allowed values. */
export interface CapacityQueryFilters {
  provider?: string[];
  gpuType?: string[];
  cluster?: string[];
  capacityType?: string[];
}

/** GPU capacity across the fleet, as the capacity page shows it. */
export interface CapacityService {
  getCapacity(
    groupBy: CapacityGroupKey[],
    filters?: CapacityQueryFilters,
  ): Promise<CapacityResponse>;
}

/** Reads capacity over the REST API with the caller's own service credentials. */
export class CapacityClient implements CapacityService {
  private readonly api: GpuFleetApiRequests;

  constructor(deps: { discovery: DiscoveryService; auth: AuthService }) {
    this.api = new GpuFleetApiRequests(deps);
  }

  async getCapacity(
    groupBy: CapacityGroupKey[],
    filters: CapacityQueryFilters = {},
  ): Promise<CapacityResponse> {
    const query = new URLSearchParams({ groupBy: groupBy.join(',') });
    for (const [field, values] of Object.entries(filters)) {
      if (values?.length) query.set(field, values.join(','));
    }
    return (await this.api.json<CapacityResponse>(`/capacity?${query}`))!;
  }
}

import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
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
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  async getCapacity(
    groupBy: CapacityGroupKey[],
    filters: CapacityQueryFilters = {},
  ): Promise<CapacityResponse> {
    const query = new URLSearchParams({ groupBy: groupBy.join(',') });
    for (const [field, values] of Object.entries(filters)) {
      if (values?.length) query.set(field, values.join(','));
    }
    const baseUrl = await this.deps.discovery.getBaseUrl('gpu-fleet');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'gpu-fleet',
    });
    const response = await fetch(`${baseUrl}/capacity?${query}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response.json();
  }
}

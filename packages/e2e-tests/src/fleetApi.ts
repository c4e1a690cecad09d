import { Portal } from './portal';

/** The REST answers the browser tests compare pages with (a subset of the shapes). */
export interface ApiCluster {
  name: string;
  displayName: string;
  provider: string;
  region: string | null;
  status: string;
  addons: string[];
  detachedAt: string | null;
}

export interface ApiCapacityFigures {
  total: number;
  allocated: number;
  free: number;
  unavailable: number;
}

export interface ApiCapacity {
  rows: Array<ApiCapacityFigures & { key: Record<string, string> }>;
  totals: ApiCapacityFigures;
  currency: string;
}

/** Calls /api/gpu-fleet with the portal's static token, failing on any non-2xx. */
export function fleetApi(portal: Portal) {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const response = await fetch(`${portal.baseUrl}/api/gpu-fleet${path}`, {
      method,
      headers: {
        authorization: `Bearer ${portal.apiToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    }
    return JSON.parse(text) as T;
  };
  return {
    call,
    attach: (body: Record<string, unknown>) =>
      call<{ cluster: ApiCluster; token: string }>('POST', '/clusters', body),
    clusters: async () =>
      (await call<{ items: ApiCluster[] }>('GET', '/clusters?limit=500')).items,
    cluster: (name: string) => call<ApiCluster>('GET', `/clusters/${name}`),
    capacity: (query: string) => call<ApiCapacity>('GET', `/capacity?${query}`),
  };
}

import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { gpuFleetApiError } from './gpuFleetApiError';

/** How one call is made: as whom, and with what. */
export interface GpuFleetApiCall {
  /** Whose rights decide; the calling plugin's own service credentials by default. */
  credentials?: BackstageCredentials;
  method?: string;
  body?: unknown;
  /** Answer undefined, rather than throw, when the thing is not there. */
  allowNotFound?: boolean;
}

const PAGE = 500;

/**
 * Calls GPU Fleet's REST API for the clients in this package, with a token
 * minted for exactly the credentials given, and maps failures to the
 * errors the backend threw.
 */
export class GpuFleetApiRequests {
  constructor(
    private readonly deps: { discovery: DiscoveryService; auth: AuthService },
  ) {}

  async json<T = any>(
    path: string,
    call: GpuFleetApiCall = {},
  ): Promise<T | undefined> {
    const baseUrl = await this.deps.discovery.getBaseUrl('gpu-fleet');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf:
        call.credentials ?? (await this.deps.auth.getOwnServiceCredentials()),
      targetPluginId: 'gpu-fleet',
    });
    const hasBody = call.body !== undefined;
    const response = await fetch(`${baseUrl}${path}`, {
      method: call.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(hasBody ? { 'Content-Type': 'application/json' } : {}),
      },
      body: hasBody ? JSON.stringify(call.body) : undefined,
    });
    if (call.allowNotFound && response.status === 404) return undefined;
    if (!response.ok) throw await gpuFleetApiError(response);
    // Parsed here rather than by fetch, so the objects belong to the caller's
    // realm: the scaffolder's templating takes only plain objects of its own.
    return JSON.parse(await response.text());
  }

  /** Every item of a paginated list, however many pages that takes. */
  async all<T>(path: string, query: URLSearchParams): Promise<T[]> {
    const items: T[] = [];
    for (let offset = 0; ; offset += PAGE) {
      query.set('limit', String(PAGE));
      query.set('offset', String(offset));
      const page = (await this.json<{ items: T[] }>(`${path}?${query}`))!;
      items.push(...page.items);
      if (page.items.length < PAGE) return items;
    }
  }
}

/** A caller of GPU Fleet's REST API: JSON in and out, one bearer token per call. */
export class FleetApiClient {
  constructor(private readonly baseUrl: string) {}

  call(method: string, route: string, token: string, body?: unknown) {
    return fetch(`${this.baseUrl}/api/gpu-fleet${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** The answer's JSON when its status is `expect`; otherwise an error saying what came back. */
  async json<T>(
    method: string,
    route: string,
    token: string,
    options: { body?: unknown; expect?: number } = {},
  ): Promise<T> {
    const response = await this.call(method, route, token, options.body);
    const text = await response.text();
    const expected = options.expect ?? 200;
    if (response.status !== expected) {
      throw new Error(
        `${method} ${route} answered ${
          response.status
        } (expected ${expected}): ${text.slice(0, 500)}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

import crypto from 'node:crypto';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import gpuFleetPlugin from '@gpu-fleet/plugin-gpu-fleet-backend';
import { TestUserTokens } from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';

/**
 * A backend with Backstage's real auth that accepts the demo's static API
 * token, as `npm start` configures it (scripts/start.js).
 */
export async function startTestPortal() {
  const apiToken = crypto.randomBytes(24).toString('base64url');
  const tokens = await TestUserTokens.create();
  const { server } = await startTestBackend({
    features: [
      gpuFleetPlugin,
      ...tokens.backendFeatures(),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl: 'http://localhost:7007',
            auth: {
              externalAccess: [
                {
                  type: 'static',
                  options: { token: apiToken, subject: 'gpu-fleet-demo' },
                },
              ],
            },
          },
        },
      }),
    ],
  });
  const baseUrl = `http://localhost:${server.port()}`;
  // Real auth: without the token the registry answers nobody.
  expect((await fetch(`${baseUrl}/api/gpu-fleet/clusters`)).status).toBe(401);
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}/api/gpu-fleet${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };
  return { baseUrl, apiToken, api };
}

export async function eventually(
  assertion: () => Promise<void>,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(r => setTimeout(r, 250));
    }
  }
}

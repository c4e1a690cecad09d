import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import gpuFleetPlugin from '@gpu-fleet/plugin-gpu-fleet-backend';
import { ProviderId } from '@gpu-fleet/plugin-gpu-fleet-common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentConnection } from '../AgentConnection';
import { KubeApiForwarder } from '../KubeApiForwarder';

// Registered when a test file imports this, so each backend's generated CA goes with it.
const certificateDirectories: string[] = [];
afterAll(() => {
  for (const dir of certificateDirectories) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A real control plane with one attached cluster whose agent has connected,
 * reaching the API server that `kubeconfig` names. As in app-config.yaml,
 * the proxy also has its TLS listener for kubectl (on a free port); and a
 * request without a token is anonymous, not startTestBackend's mock user,
 * so a test proves that a token really arrives.
 */
export async function startControlPlaneWithAgent(options: {
  clusterName: string;
  provider: ProviderId;
  kubeconfig: string;
  /** Passed to the agent, e.g. its prerequisite checks. */
  agentOptions?: Pick<
    ConstructorParameters<typeof AgentConnection>[2],
    'prerequisites'
  >;
  /** Backend configuration under gpuFleet. */
  gpuFleetConfig?: { proxy?: { maxRequestBodyBytes?: number } };
}) {
  const certificateDirectory = fs.mkdtempSync(
    path.join(os.tmpdir(), 'gpu-fleet-proxy-tls-'),
  );
  certificateDirectories.push(certificateDirectory);
  const { server } = await startTestBackend({
    features: [
      gpuFleetPlugin,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          gpuFleet: {
            ...options.gpuFleetConfig,
            proxy: {
              ...options.gpuFleetConfig?.proxy,
              tls: {
                listen: { host: 'localhost', port: 0 },
                certificateDirectory,
              },
            },
          },
        },
      }),
    ],
  });
  const base = `http://localhost:${server.port()}/api/gpu-fleet`;
  const user = { Authorization: `Bearer ${mockCredentials.user.token()}` };
  const attached = await fetch(`${base}/clusters`, {
    method: 'POST',
    headers: { ...user, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: options.clusterName,
      provider: options.provider,
    }),
  }).then(r => r.json());

  let welcomed!: () => void;
  const connected = new Promise<void>(r => (welcomed = r));
  const agent = new AgentConnection(
    {
      controlPlaneUrl: `ws://localhost:${server.port()}/api/gpu-fleet/agent/connect`,
      clusterName: options.clusterName,
      token: attached.token,
    },
    KubeApiForwarder.fromEnvironment(options.kubeconfig),
    {
      agentVersion: '0.1.0',
      logger: { info: () => {}, warn: () => {} },
      onWelcome: () => welcomed(),
      ...options.agentOptions,
    },
  );
  agent.start();
  await connected;
  return { base, user, agent };
}

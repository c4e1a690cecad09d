import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import gpuFleetPlugin from '@gpu-fleet/plugin-gpu-fleet-backend';
import { ProviderId } from '@gpu-fleet/plugin-gpu-fleet-common';
import { AgentConnection } from '../AgentConnection';
import { KubeApiForwarder } from '../KubeApiForwarder';

/**
 * A real control plane with one attached cluster whose agent has connected,
 * reaching the API server that `kubeconfig` names.
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
  const { server } = await startTestBackend({
    features: [
      gpuFleetPlugin,
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          ...(options.gpuFleetConfig
            ? { gpuFleet: options.gpuFleetConfig }
            : {}),
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

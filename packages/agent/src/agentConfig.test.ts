import { AgentConfigError, readAgentConfig } from './agentConfig';
import { DEFAULT_PREREQUISITE_SETTINGS } from './prerequisites/prerequisiteSettings';

const required = {
  GPU_FLEET_CONTROL_PLANE_URL:
    'wss://portal.example.com/api/gpu-fleet/agent/connect',
  GPU_FLEET_CLUSTER_NAME: 'eks-p5',
  GPU_FLEET_TOKEN: 'gfct_abc',
};

describe('readAgentConfig', () => {
  it('reads a complete configuration', () => {
    expect(
      readAgentConfig({
        GPU_FLEET_CONTROL_PLANE_URL:
          'wss://portal.example.com/api/gpu-fleet/agent/connect',
        GPU_FLEET_CLUSTER_NAME: 'eks-p5',
        GPU_FLEET_TOKEN: 'gfct_abc',
      }),
    ).toEqual({
      controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
      clusterName: 'eks-p5',
      token: 'gfct_abc',
      prerequisites: DEFAULT_PREREQUISITE_SETTINGS,
    });
  });

  it('reads how and how often the prerequisites are checked', () => {
    expect(
      readAgentConfig({
        ...required,
        GPU_FLEET_PREREQUISITE_INTERVAL_SECONDS: '120',
        GPU_FLEET_ADDONS: 'gpu-operator, keda',
        GPU_FLEET_AGENT_IMAGE_REGISTRY: 'registry.example.com',
        GPU_FLEET_PROBE_NETWORK: 'false',
        GPU_FLEET_PROBE_TIMEOUT_MS: '1500',
        GPU_FLEET_IMAGE_REGISTRY: '123.dkr.ecr.us-east-1.amazonaws.com',
        GPU_FLEET_ARTIFACT_STORE_URL: 'https://s3.us-east-1.amazonaws.com',
        GPU_FLEET_WILDCARD_DOMAIN: '*.Apps.Example.com',
      }).prerequisites,
    ).toEqual({
      intervalMs: 120_000,
      addons: ['gpu-operator', 'keda'],
      agentImageRegistry: 'registry.example.com',
      probeNetwork: false,
      probeTimeoutMs: 1500,
      imageRegistry: '123.dkr.ecr.us-east-1.amazonaws.com',
      artifactStoreUrl: 'https://s3.us-east-1.amazonaws.com',
      wildcardDomain: 'apps.example.com',
    });
    const start = () =>
      readAgentConfig({
        ...required,
        GPU_FLEET_PREREQUISITE_INTERVAL_SECONDS: 'often',
        GPU_FLEET_ADDONS: 'gpu-operator,flux',
      });
    expect(start).toThrow(
      "GPU_FLEET_PREREQUISITE_INTERVAL_SECONDS must be a positive whole number, not 'often'",
    );
    expect(start).toThrow('GPU_FLEET_ADDONS names unknown add-ons: flux');
  });

  it('stops at once, saying everything that must be fixed', () => {
    const start = () =>
      readAgentConfig({
        GPU_FLEET_CONTROL_PLANE_URL: 'https://portal.example.com',
        GPU_FLEET_CLUSTER_NAME: 'EKS_P5',
        KUBECONFIG: '/nonexistent/kubeconfig',
      });
    expect(start).toThrow(AgentConfigError);
    expect(start).toThrow(
      'GPU_FLEET_CONTROL_PLANE_URL must be the ws:// or wss:// URL',
    );
    expect(start).toThrow('GPU_FLEET_CLUSTER_NAME must be');
    expect(start).toThrow(
      'GPU_FLEET_TOKEN (or GPU_FLEET_TOKEN_FILE) must hold the cluster token',
    );
    expect(start).toThrow('KUBECONFIG points at /nonexistent/kubeconfig');
  });
});

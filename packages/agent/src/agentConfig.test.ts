import { AgentConfigError, readAgentConfig } from './agentConfig';

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
    });
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

import YAML from 'yaml';
import { ADDON_IDS } from './addons';
import { renderAgentInstall } from './agentInstall';

const base = {
  clusterName: 'lambda-h200',
  controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
  token: 'gfct_abc-DEF_123',
  provider: 'lambda' as const,
  addons: ['mpi-operator' as const, 'kueue' as const],
  chart: 'gpu-fleet/gpu-fleet-agent',
};

describe('renderAgentInstall', () => {
  it('writes a helm command that enables exactly the chosen add-ons', () => {
    const { command } = renderAgentInstall(base);
    expect(command.split(' \\\n  ')[0]).toBe(
      'helm upgrade --install gpu-fleet-agent gpu-fleet/gpu-fleet-agent',
    );
    expect(command).toContain('--namespace gpu-fleet --create-namespace');
    expect(command).toContain('--set clusterName=lambda-h200');
    expect(command).toContain(`--set controlPlaneURL=${base.controlPlaneUrl}`);
    expect(command).toContain('--set tokenSecret=gfct_abc-DEF_123');
    const enabled = ADDON_IDS.filter(id =>
      command.includes(`--set addons.${id}.enabled=true`),
    );
    const disabled = ADDON_IDS.filter(id =>
      command.includes(`--set addons.${id}.enabled=false`),
    );
    expect(enabled).toEqual(['kueue', 'mpi-operator']);
    expect(disabled).toHaveLength(ADDON_IDS.length - 2);
  });

  it('gives a values file equal to the command', () => {
    const { valuesYaml } = renderAgentInstall({
      ...base,
      agentImage: 'images.example.com/gpu-fleet/agent:0.1.0',
    });
    const values = YAML.parse(valuesYaml);
    expect(values).toEqual({
      clusterName: 'lambda-h200',
      controlPlaneURL: base.controlPlaneUrl,
      tokenSecret: base.token,
      provider: 'lambda',
      addons: Object.fromEntries(
        ADDON_IDS.map(id => [id, { enabled: base.addons.includes(id as any) }]),
      ),
      // Lambda's GPU nodes are tainted.
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      ],
      image: { repository: 'images.example.com/gpu-fleet/agent', tag: '0.1.0' },
    });
  });

  it('quotes values a shell would otherwise split or expand', () => {
    const { command, valuesYaml } = renderAgentInstall({
      ...base,
      chart: './charts/my agent',
      controlPlaneUrl: "wss://it's.example.com/$HOME",
    });
    expect(command).toContain(`'./charts/my agent'`);
    expect(command).toContain(
      `'controlPlaneURL=wss://it'\\''s.example.com/$HOME'`,
    );
    expect(YAML.parse(valuesYaml).controlPlaneURL).toBe(
      "wss://it's.example.com/$HOME",
    );
  });
});

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

  it('keeps a value containing a comma whole for helm', () => {
    const { command } = renderAgentInstall({
      ...base,
      controlPlaneUrl: 'wss://portal.example.com/connect?a=1,2',
    });
    expect(command).toContain(
      `'controlPlaneURL=wss://portal.example.com/connect?a=1\\,2'`,
    );
  });

  it('round-trips awkward strings through the values file', () => {
    const token = 'gfct_"quoted"\\back\nnewline: #not-a-comment ✓';
    const values = YAML.parse(
      renderAgentInstall({ ...base, token, clusterName: 'true' }).valuesYaml,
    );
    expect(values.tokenSecret).toBe(token);
    expect(values.clusterName).toBe('true');
  });

  it('adds tolerations only where the provider taints GPU nodes, and no image unless given', () => {
    const values = YAML.parse(
      renderAgentInstall({ ...base, provider: 'coreweave', addons: [] })
        .valuesYaml,
    );
    expect(values.tolerations).toBeUndefined();
    expect(values.image).toBeUndefined();
    expect(Object.values(values.addons)).toEqual(
      ADDON_IDS.map(() => ({ enabled: false })),
    );
  });

  it('reports where it installs', () => {
    const install = renderAgentInstall(base);
    expect(install).toMatchObject({
      namespace: 'gpu-fleet',
      releaseName: 'gpu-fleet-agent',
      chart: 'gpu-fleet/gpu-fleet-agent',
    });
  });
});

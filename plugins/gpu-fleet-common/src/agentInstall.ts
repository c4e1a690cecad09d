import { ADDON_IDS, AddonId } from './addons';
import { getProviderProfile, ProviderId } from './providers';
import type { AgentInstall } from './types';

export const AGENT_NAMESPACE = 'gpu-fleet';
export const AGENT_RELEASE = 'gpu-fleet-agent';

export interface AgentInstallInput {
  clusterName: string;
  controlPlaneUrl: string;
  token: string;
  provider: ProviderId;
  addons: AddonId[];
  chart: string;
  agentImage?: string;
}

// Quote only when needed, so the common case stays readable.
function shellQuote(value: string): string {
  return /^[A-Za-z0-9._:/=@-]+$/.test(value)
    ? value
    : `'${value.replace(/'/g, `'\\''`)}'`;
}

function splitImage(image: string): { repository: string; tag?: string } {
  const lastColon = image.lastIndexOf(':');
  return lastColon > image.lastIndexOf('/')
    ? { repository: image.slice(0, lastColon), tag: image.slice(lastColon + 1) }
    : { repository: image };
}

// helm --set splits values on ',', reads a backslash as an escape and a leading
// '{' as a list, so those are escaped to keep each value whole.
function helmSetValue(value: string): string {
  return value.replace(/[\\,]/g, '\\$&').replace(/^\{/, '\\{');
}

// JSON strings are valid YAML double-quoted scalars.
const q = (value: string) => JSON.stringify(value);

/** The helm command and the equivalent values file for a cluster's agent. */
export function renderAgentInstall(input: AgentInstallInput): AgentInstall {
  const enabled = new Set(input.addons);
  const sets: Array<[string, string]> = [
    ['clusterName', input.clusterName],
    ['controlPlaneURL', input.controlPlaneUrl],
    ['tokenSecret', input.token],
    ['provider', input.provider],
    ...ADDON_IDS.map(
      id =>
        [`addons.${id}.enabled`, String(enabled.has(id))] as [string, string],
    ),
  ];
  const image = input.agentImage ? splitImage(input.agentImage) : undefined;
  if (image) {
    sets.push(['image.repository', image.repository]);
    if (image.tag) sets.push(['image.tag', image.tag]);
  }
  const command = [
    `helm upgrade --install ${AGENT_RELEASE} ${shellQuote(input.chart)}`,
    `--namespace ${AGENT_NAMESPACE} --create-namespace`,
    ...sets.map(
      ([key, value]) => `--set ${shellQuote(`${key}=${helmSetValue(value)}`)}`,
    ),
  ].join(' \\\n  ');

  const lines = [
    `clusterName: ${q(input.clusterName)}`,
    `controlPlaneURL: ${q(input.controlPlaneUrl)}`,
    `tokenSecret: ${q(input.token)}`,
    `provider: ${q(input.provider)}`,
    'addons:',
    ...ADDON_IDS.flatMap(id => [`  ${id}:`, `    enabled: ${enabled.has(id)}`]),
  ];
  const tolerations = getProviderProfile(input.provider).defaultTolerations;
  if (tolerations.length > 0) {
    lines.push('tolerations:');
    for (const t of tolerations) {
      lines.push(`  - key: ${q(t.key)}`, `    operator: ${q(t.operator)}`);
      if (t.value !== undefined) lines.push(`    value: ${q(t.value)}`);
      if (t.effect !== undefined) lines.push(`    effect: ${q(t.effect)}`);
    }
  }
  if (image) {
    lines.push('image:', `  repository: ${q(image.repository)}`);
    if (image.tag) lines.push(`  tag: ${q(image.tag)}`);
  }

  return {
    command,
    valuesYaml: `${lines.join('\n')}\n`,
    namespace: AGENT_NAMESPACE,
    releaseName: AGENT_RELEASE,
    chart: input.chart,
  };
}

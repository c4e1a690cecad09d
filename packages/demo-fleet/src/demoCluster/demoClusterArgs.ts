import {
  ADDON_IDS,
  AddonId,
  defaultAddonsFor,
  defaultDemoGpuShape,
  DEMO_CLUSTER_DEFAULT_PORTAL_URL,
  GPU_SHAPE_SYNTAX,
  isAddonId,
  isDnsLabel,
  isProviderId,
  parseGpuShapes,
  PROVIDER_IDS,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { DemoClusterSpec } from './demoClusterScenario';

const MAX_NODES = 32;

export const DEMO_CLUSTER_USAGE = `Usage: yarn demo:cluster --provider <id> --name <cluster> --token <cluster token> [--gpus ${GPU_SHAPE_SYNTAX}] [--nodes 2] [--addons a,b] [--portal ${DEMO_CLUSTER_DEFAULT_PORTAL_URL}]

Starts a simulated Kubernetes cluster of the provider, with --nodes nodes of
each GPU shape (B200x8: nodes with 8 B200 each), and the GPU Fleet agent,
which connects to the portal with the one-time token of a cluster attached
there. The attach wizard shows this command filled in. Ctrl-C stops both.

  --provider  ${PROVIDER_IDS.join(', ')}
  --name      the attached cluster's name
  --token     the cluster token the wizard shows (gfct_...)
  --gpus      default: the provider's usual shape, e.g. H100x8
  --nodes     nodes per GPU shape, 1 to ${MAX_NODES} (default 2)
  --addons    the add-ons the cluster was attached with (default: the provider's defaults)
  --portal    the portal's backend (default ${DEMO_CLUSTER_DEFAULT_PORTAL_URL})`;

const OPTIONS = [
  'provider',
  'name',
  'token',
  'gpus',
  'nodes',
  'addons',
  'portal',
] as const;
type OptionName = (typeof OPTIONS)[number];

export interface DemoClusterArgs {
  spec: DemoClusterSpec;
  token: string;
  portalUrl: string;
}

export type ParsedDemoClusterArgs =
  | { kind: 'help' }
  | { kind: 'run'; args: DemoClusterArgs }
  | { kind: 'invalid'; problems: string[] };

function readOptions(argv: string[], problems: string[]) {
  const values: Partial<Record<OptionName, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      problems.push(
        `unexpected argument '${arg}': every value follows its option`,
      );
      continue;
    }
    const name = match[1] as OptionName;
    if (!OPTIONS.includes(name)) {
      problems.push(
        `unknown option --${match[1]}; the options are ${OPTIONS.map(
          o => `--${o}`,
        ).join(', ')}`,
      );
      if (match[2] === undefined && argv[i + 1]?.startsWith('--') === false) {
        i++;
      }
      continue;
    }
    let value = match[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || /^--[a-z]/.test(value)) {
        problems.push(`--${name} needs a value`);
        continue;
      }
      i++;
    }
    if (values[name] !== undefined) {
      problems.push(`--${name} is given twice`);
      continue;
    }
    values[name] = value;
  }
  return values;
}

/** Every problem at once, each naming its option, so one run shows what to fix. */
export function parseDemoClusterArgs(argv: string[]): ParsedDemoClusterArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const problems: string[] = [];
  const values = readOptions(argv, problems);

  const provider = values.provider;
  if (provider === undefined) {
    problems.push(`--provider is required: one of ${PROVIDER_IDS.join(', ')}`);
  } else if (!isProviderId(provider)) {
    problems.push(
      `--provider '${provider}' is not a provider the simulator knows; use one of ${PROVIDER_IDS.join(
        ', ',
      )}`,
    );
  }
  const knownProvider =
    provider !== undefined && isProviderId(provider) ? provider : undefined;

  const name = values.name;
  if (name === undefined) {
    problems.push(
      "--name is required: the attached cluster's name, as the wizard shows it",
    );
  } else if (!isDnsLabel(name)) {
    problems.push(
      `--name '${name}' must be a cluster name: lower-case letters, digits and "-", at most 63 characters`,
    );
  }

  const token = values.token;
  if (token === undefined) {
    problems.push(
      '--token is required: the one-time cluster token the attach wizard shows',
    );
  } else if (!/^gfct_[A-Za-z0-9_-]+$/.test(token)) {
    problems.push(
      '--token must be the cluster token the attach wizard shows (it starts with gfct_)',
    );
  }

  const gpusText =
    values.gpus ?? (knownProvider ? defaultDemoGpuShape(knownProvider) : '');
  const gpus = parseGpuShapes(gpusText);
  if (!gpus.ok && values.gpus !== undefined) {
    problems.push(`--gpus ${gpus.message}`);
  }

  let nodesPerShape = 2;
  if (values.nodes !== undefined) {
    nodesPerShape = Number(values.nodes);
    if (
      !/^\d+$/.test(values.nodes) ||
      nodesPerShape < 1 ||
      nodesPerShape > MAX_NODES
    ) {
      problems.push(
        `--nodes '${values.nodes}' must be a whole number from 1 to ${MAX_NODES}`,
      );
    }
  }

  let addons: AddonId[] = knownProvider ? defaultAddonsFor(knownProvider) : [];
  if (values.addons !== undefined) {
    const listed = values.addons
      .split(',')
      .map(a => a.trim())
      .filter(Boolean);
    const unknown = listed.filter(a => !isAddonId(a));
    if (unknown.length > 0) {
      problems.push(
        `--addons names unknown add-ons: ${unknown.join(
          ', ',
        )}; known: ${ADDON_IDS.join(', ')}`,
      );
    }
    addons = [...new Set(listed.filter(isAddonId))];
  }

  const portalUrl = values.portal ?? DEMO_CLUSTER_DEFAULT_PORTAL_URL;
  let portal: URL | undefined;
  try {
    portal = new URL(portalUrl);
  } catch {
    portal = undefined;
  }
  if (!portal || !['http:', 'https:'].includes(portal.protocol)) {
    problems.push(
      `--portal '${portalUrl}' must be the portal's http(s) address, e.g. ${DEMO_CLUSTER_DEFAULT_PORTAL_URL}`,
    );
  }

  if (problems.length > 0 || !knownProvider || !gpus.ok) {
    return { kind: 'invalid', problems };
  }
  return {
    kind: 'run',
    args: {
      spec: {
        name: name!,
        provider: knownProvider,
        gpuShapes: gpus.shapes,
        nodesPerShape,
        addons,
      },
      token: token!,
      portalUrl: portalUrl.replace(/\/+$/, ''),
    },
  };
}

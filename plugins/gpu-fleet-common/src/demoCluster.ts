/** The local default's simulated cluster: its GPU shape syntax and the command the attach wizard shows. */

import type { AddonId } from './addons';
import { GPU_TYPES } from './labels/gpuTypes';
import type { ProviderId } from './providers';

export type GpuTypeName = (typeof GPU_TYPES)[number];

/** Nodes of one pool: `gpusPerNode` GPUs of `gpuType` each (`B200x8`). */
export interface GpuShape {
  gpuType: GpuTypeName;
  gpusPerNode: number;
}

/** Where `yarn demo:cluster` looks for the portal unless told otherwise. */
export const DEMO_CLUSTER_DEFAULT_PORTAL_URL = 'http://localhost:7007';

export const GPU_SHAPE_SYNTAX = '<GPU type>x<GPUs per node>[,...]';
export const MAX_GPUS_PER_NODE = 16;
/** Each shape is a node pool; more would not fit the simulated address plan. */
export const MAX_GPU_SHAPES = 8;

/** What each provider is known for, so the wizard's shape field starts somewhere sensible. */
const DEFAULT_SHAPES: Record<ProviderId, string> = {
  eks: 'H100x8',
  aks: 'H100x8',
  gke: 'H100x8',
  oke: 'H100x8',
  coreweave: 'H100x8',
  lambda: 'H200x8',
  fluidstack: 'B200x8',
  nebius: 'H200x8',
  generic: 'L40Sx4',
};

export function defaultDemoGpuShape(provider: ProviderId): string {
  return DEFAULT_SHAPES[provider];
}

export type GpuShapeParse =
  | { ok: true; shapes: GpuShape[] }
  | { ok: false; message: string };

/**
 * Reads `B200x8` or `H100x8,L40Sx4`. GPU types are the normalised names the
 * inventory reports, in any letter case; the `x` before the count is the
 * last one, so `MI300Xx8` reads as eight MI300X.
 */
export function parseGpuShapes(text: string): GpuShapeParse {
  const parts = text.split(',').map(part => part.trim());
  if (parts.length === 1 && parts[0] === '') {
    return {
      ok: false,
      message: `is empty; write ${GPU_SHAPE_SYNTAX}, e.g. B200x8`,
    };
  }
  if (parts.length > MAX_GPU_SHAPES) {
    return {
      ok: false,
      message: `lists ${parts.length} shapes; at most ${MAX_GPU_SHAPES}`,
    };
  }
  const shapes: GpuShape[] = [];
  for (const part of parts) {
    const match = /^(.+)x(\d+)$/i.exec(part);
    if (!match) {
      return {
        ok: false,
        message: `'${part}' is not ${GPU_SHAPE_SYNTAX}, e.g. B200x8 or H100x8,L40Sx4`,
      };
    }
    const gpuType = GPU_TYPES.find(
      type => type.toLowerCase() === match[1].toLowerCase(),
    );
    if (!gpuType) {
      return {
        ok: false,
        message: `'${
          match[1]
        }' is not a GPU type the inventory knows; use one of ${GPU_TYPES.join(
          ', ',
        )}`,
      };
    }
    const gpusPerNode = Number(match[2]);
    if (gpusPerNode < 1 || gpusPerNode > MAX_GPUS_PER_NODE) {
      return {
        ok: false,
        message: `'${part}' asks for ${gpusPerNode} GPUs per node; use 1 to ${MAX_GPUS_PER_NODE}`,
      };
    }
    if (
      shapes.some(s => s.gpuType === gpuType && s.gpusPerNode === gpusPerNode)
    ) {
      return { ok: false, message: `'${part}' is listed twice` };
    }
    shapes.push({ gpuType, gpusPerNode });
  }
  return { ok: true, shapes };
}

export function formatGpuShapes(shapes: GpuShape[]): string {
  return shapes.map(s => `${s.gpuType}x${s.gpusPerNode}`).join(',');
}

export interface DemoClusterCommandInput {
  provider: ProviderId;
  clusterName: string;
  token: string;
  addons: AddonId[];
  gpuShapes: GpuShape[];
  /** The portal's backend; left out of the command when it is the default. */
  portalUrl: string;
}

// Quote only when needed, so the common case stays readable.
function shellQuote(value: string): string {
  return /^[A-Za-z0-9._:/=@,-]+$/.test(value)
    ? value
    : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The one command that starts a simulated cluster of this provider and
 * shape whose real agent connects with the token: the local default's
 * stand-in for running the helm command against a real cluster.
 */
export function renderDemoClusterCommand(
  input: DemoClusterCommandInput,
): string {
  const portal = input.portalUrl.replace(/\/+$/, '');
  const options: Array<[string, string]> = [
    ['--provider', input.provider],
    ['--name', input.clusterName],
    ['--gpus', formatGpuShapes(input.gpuShapes)],
    // The agent is told the add-ons the cluster was attached with, as the chart tells it.
    ['--addons', input.addons.join(',')],
    ...(portal === DEMO_CLUSTER_DEFAULT_PORTAL_URL
      ? []
      : ([['--portal', portal]] as Array<[string, string]>)),
    ['--token', input.token],
  ];
  return [
    'yarn demo:cluster',
    ...options.map(([option, value]) => `${option} ${shellQuote(value)}`),
  ].join(' ');
}

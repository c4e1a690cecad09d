import type {
  GpuShape,
  GpuTypeName,
  ProviderId,
} from '@gpu-fleet/plugin-gpu-fleet-common';

const slug = (type: string) => type.toLowerCase();

// The sizes AWS sells for each GPU; families the inventory reads back (gpuTypes.ts).
const AWS: Partial<Record<GpuTypeName, string>> = {
  H100: 'p5.48xlarge',
  H200: 'p5e.48xlarge',
  B200: 'p6-b200.48xlarge',
  B300: 'p6-b300.48xlarge',
  GB200: 'p6e-gb200.36xlarge',
  'A100-80GB': 'p4de.24xlarge',
  'A100-40GB': 'p4d.24xlarge',
  L40S: 'g6e.48xlarge',
  L4: 'g6.48xlarge',
  A10G: 'g5.48xlarge',
  T4: 'g4dn.metal',
  V100: 'p3dn.24xlarge',
};

// GCE accelerator-optimised series; the machine type ends in the GPU count.
const GCE: Partial<Record<GpuTypeName, string>> = {
  H100: 'a3-highgpu',
  H200: 'a3-ultragpu',
  B200: 'a4-highgpu',
  GB200: 'a4x-highgpu',
  'A100-80GB': 'a2-ultragpu',
  'A100-40GB': 'a2-highgpu',
};

/** A name in the provider's style for a node with this shape; not every provider sells every GPU. */
const NAMERS: Record<ProviderId, (shape: GpuShape) => string> = {
  eks: ({ gpuType, gpusPerNode }) =>
    AWS[gpuType] ?? `${slug(gpuType)}-${gpusPerNode}x.metal`,
  aks: ({ gpuType }) => `Standard_ND96isr_${gpuType}_v5`,
  gke: ({ gpuType, gpusPerNode }) =>
    GCE[gpuType]
      ? `${GCE[gpuType]}-${gpusPerNode}g`
      : `${slug(gpuType)}-${gpusPerNode}g`,
  oke: ({ gpuType, gpusPerNode }) => `BM.GPU.${gpuType}.${gpusPerNode}`,
  coreweave: ({ gpuType, gpusPerNode }) =>
    `gd-${gpusPerNode}x${slug(gpuType)}ib-i128`,
  lambda: ({ gpuType, gpusPerNode }) =>
    `gpu_${gpusPerNode}x_${slug(gpuType).replace(/-/g, '_')}`,
  fluidstack: ({ gpuType, gpusPerNode }) => `${slug(gpuType)}-${gpusPerNode}x`,
  nebius: ({ gpuType, gpusPerNode }) =>
    `gpu-${slug(gpuType)}-sxm.${gpusPerNode}gpu-${gpusPerNode * 16}vcpu-${
      gpusPerNode * 200
    }gb`,
  generic: () => 'bare-metal',
};

export function instanceTypeFor(provider: ProviderId, shape: GpuShape): string {
  return NAMERS[provider](shape);
}

/** GKE's accelerator label value (nvidia-h100-80gb, nvidia-tesla-t4, ...). */
export function gkeAccelerator(gpuType: GpuTypeName): string {
  const named: Partial<Record<GpuTypeName, string>> = {
    H100: 'nvidia-h100-80gb',
    H200: 'nvidia-h200-141gb',
    'A100-80GB': 'nvidia-a100-80gb',
    'A100-40GB': 'nvidia-tesla-a100',
    T4: 'nvidia-tesla-t4',
    V100: 'nvidia-tesla-v100',
  };
  return named[gpuType] ?? `nvidia-${slug(gpuType)}`;
}

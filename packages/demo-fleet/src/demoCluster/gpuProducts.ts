import type { GpuTypeName } from '@gpu-fleet/plugin-gpu-fleet-common';

/** How a node's labeller names a GPU: NVIDIA's GPU Feature Discovery, or AMD's node labeller. */
export interface GpuProduct {
  vendor: 'nvidia' | 'amd';
  /** nvidia.com/gpu.product or amd.com/gpu.product-name. */
  product: string;
  memoryMiB: number;
  /** nvidia.com/gpu.family, the architecture. */
  family?: string;
}

const nvidia = (
  product: string,
  memoryMiB: number,
  family: string,
): GpuProduct => ({ vendor: 'nvidia', product, memoryMiB, family });
const amd = (product: string, memoryMiB: number): GpuProduct => ({
  vendor: 'amd',
  product,
  memoryMiB,
});

/** Spelled as the labellers report them on the common server parts. */
export const GPU_PRODUCTS: Record<GpuTypeName, GpuProduct> = {
  GB300: nvidia('NVIDIA-GB300', 284208, 'blackwell'),
  GB200: nvidia('NVIDIA-GB200', 189471, 'blackwell'),
  GH200: nvidia('NVIDIA-GH200-480GB', 97871, 'hopper'),
  B300: nvidia('NVIDIA-B300-SXM6-AC', 275040, 'blackwell'),
  B200: nvidia('NVIDIA-B200', 183359, 'blackwell'),
  H200: nvidia('NVIDIA-H200', 143771, 'hopper'),
  H100: nvidia('NVIDIA-H100-80GB-HBM3', 81559, 'hopper'),
  H800: nvidia('NVIDIA-H800', 81559, 'hopper'),
  'A100-80GB': nvidia('NVIDIA-A100-SXM4-80GB', 81920, 'ampere'),
  'A100-40GB': nvidia('NVIDIA-A100-SXM4-40GB', 40960, 'ampere'),
  A800: nvidia('NVIDIA-A800-SXM4-80GB', 81920, 'ampere'),
  L40S: nvidia('NVIDIA-L40S', 46068, 'ada-lovelace'),
  L40: nvidia('NVIDIA-L40', 46068, 'ada-lovelace'),
  L4: nvidia('NVIDIA-L4', 23034, 'ada-lovelace'),
  A10G: nvidia('NVIDIA-A10G', 23028, 'ampere'),
  A10: nvidia('NVIDIA-A10', 23028, 'ampere'),
  T4: nvidia('Tesla-T4', 15360, 'turing'),
  V100: nvidia('Tesla-V100-SXM2-16GB', 16384, 'volta'),
  'RTX-PRO-6000': nvidia(
    'NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition',
    97887,
    'blackwell',
  ),
  'RTX-6000-Ada': nvidia(
    'NVIDIA-RTX-6000-Ada-Generation',
    49140,
    'ada-lovelace',
  ),
  'RTX-A6000': nvidia('NVIDIA-RTX-A6000', 49140, 'ampere'),
  MI355X: amd('AMD_Instinct_MI355X', 294912),
  MI325X: amd('AMD_Instinct_MI325X', 262144),
  MI300X: amd('AMD_Instinct_MI300X_OAM', 196592),
  MI300A: amd('AMD_Instinct_MI300A', 131072),
  MI250X: amd('AMD_Instinct_MI250X', 65536),
  MI250: amd('AMD_Instinct_MI250', 65536),
  MI210: amd('AMD_Instinct_MI210', 65520),
};

/** Normalised GPU type names and how to read them from product strings and instance types. */

export type GpuVendor = 'nvidia' | 'amd';

export interface GpuTypeMatch {
  type: string;
  vendor: GpuVendor;
}

/** The names `NodeInventory.gpuType` uses for GPUs the suite recognises. */
export const GPU_TYPES = [
  'GB300',
  'GB200',
  'GH200',
  'B300',
  'B200',
  'H200',
  'H100',
  'H800',
  'A100-80GB',
  'A100-40GB',
  'A800',
  'L40S',
  'L40',
  'L4',
  'A10G',
  'A10',
  'T4',
  'V100',
  'RTX-PRO-6000',
  'RTX-6000-Ada',
  'RTX-A6000',
  'MI355X',
  'MI325X',
  'MI300X',
  'MI300A',
  'MI250X',
  'MI250',
  'MI210',
] as const;

/** One token naming the GPU model, checked in this order. */
const NVIDIA_MODEL_TOKENS = [
  'GB300',
  'GB200',
  'GH200',
  'B300',
  'B200',
  'H200',
  'H100',
  'H800',
  'A800',
  'L40S',
  'L40',
  'L4',
  'A10G',
  'A10',
  'T4',
  'V100',
];

function tokens(value: string): string[] {
  return (
    value
      .toUpperCase()
      .split(/[\s_./-]+/)
      // CoreWeave and Lambda put the count in front (8xh100, gd-8xh100ib): keep the model.
      .map(t => t.replace(/^\d+X(?=[A-Z])/, '').replace(/(?<=\d)IB$/, ''))
      .filter(Boolean)
  );
}

/**
 * Reads a GPU model out of a product or accelerator string, in any of the
 * spellings GPU Feature Discovery (NVIDIA-A100-SXM4-80GB), GKE
 * (nvidia-tesla-a100), the AMD labeller (AMD_Instinct_MI300X) or people
 * (h100, A100_80GB) use. An A100 whose memory the string does not give comes
 * back as `A100` so that the caller can settle it from other labels.
 */
export function parseGpuProduct(value: string): GpuTypeMatch | undefined {
  const t = tokens(value);
  const has = (token: string) => t.includes(token);
  const amd = t.find(token => /^MI\d{3}[A-Z]?$/.test(token));
  if (amd) {
    return { type: amd, vendor: 'amd' };
  }
  if (has('A100')) {
    if (has('80GB') || has('80G'))
      return { type: 'A100-80GB', vendor: 'nvidia' };
    if (has('40GB') || has('40G'))
      return { type: 'A100-40GB', vendor: 'nvidia' };
    return { type: 'A100', vendor: 'nvidia' };
  }
  if (has('RTX')) {
    if (has('PRO') && has('6000')) {
      return { type: 'RTX-PRO-6000', vendor: 'nvidia' };
    }
    if (has('6000') && has('ADA')) {
      return { type: 'RTX-6000-Ada', vendor: 'nvidia' };
    }
    if (has('A6000')) return { type: 'RTX-A6000', vendor: 'nvidia' };
  }
  const model = NVIDIA_MODEL_TOKENS.find(has);
  return model ? { type: model, vendor: 'nvidia' } : undefined;
}

/** Settles a bare `A100` from the memory GPU Feature Discovery reports (MiB). */
export function a100ByMemory(memoryMiB: number | undefined): string {
  if (memoryMiB === undefined || !Number.isFinite(memoryMiB)) return 'A100';
  return memoryMiB > 60_000 ? 'A100-80GB' : 'A100-40GB';
}

const nvidia = (type: string): GpuTypeMatch => ({ type, vendor: 'nvidia' });

// Families whose name does not spell the GPU; the key is the part before the dot.
const AWS_FAMILIES: Record<string, GpuTypeMatch> = {
  'p6e-gb200': nvidia('GB200'),
  'p6-b300': nvidia('B300'),
  'p6-b200': nvidia('B200'),
  p5en: nvidia('H200'),
  p5e: nvidia('H200'),
  p5: nvidia('H100'),
  p4de: nvidia('A100-80GB'),
  p4d: nvidia('A100-40GB'),
  p3dn: nvidia('V100'),
  p3: nvidia('V100'),
  g6e: nvidia('L40S'),
  g6: nvidia('L4'),
  gr6: nvidia('L4'),
  g5: nvidia('A10G'),
  g4dn: nvidia('T4'),
};

// GCE accelerator-optimised machine series, e.g. a3-highgpu-8g.
const GCE_SERIES: Array<[RegExp, GpuTypeMatch]> = [
  [/^a4x-/, nvidia('GB200')],
  [/^a4-/, nvidia('B200')],
  [/^a3-ultragpu-/, nvidia('H200')],
  [/^a3-(highgpu|megagpu|edgegpu)-/, nvidia('H100')],
  [/^a2-ultragpu-/, nvidia('A100-80GB')],
  [/^a2-(highgpu|megagpu)-/, nvidia('A100-40GB')],
  [/^g2-standard-/, nvidia('L4')],
];

// Azure and OCI sizes whose name leaves the A100's memory (or the GPU) out.
const NAMED_SIZES: Array<[RegExp, GpuTypeMatch]> = [
  [/^Standard_ND\d+amsr_A100_v4$/i, nvidia('A100-80GB')],
  [/^Standard_NC\d+ads_A100_v4$/i, nvidia('A100-80GB')],
  [/^Standard_ND\d+asr_v4$/i, nvidia('A100-40GB')],
  [/^Standard_NC\d+s_v3$/i, nvidia('V100')],
  [/^BM\.GPU\.A100-v2\.\d+$/i, nvidia('A100-80GB')],
  [/^BM\.GPU4\.\d+$/i, nvidia('A100-40GB')],
  [/^(BM|VM)\.GPU3\.\d+$/i, nvidia('V100')],
];

/** GKE's accelerator label; its one A100 without a size (nvidia-tesla-a100) is the 40 GB part. */
export function gpuTypeFromGkeAccelerator(
  accelerator: string,
): GpuTypeMatch | undefined {
  const parsed = parseGpuProduct(accelerator);
  return parsed?.type === 'A100' ? nvidia('A100-40GB') : parsed;
}

/**
 * The GPU an instance type, VM size or shape carries (p5.48xlarge,
 * a3-highgpu-8g, Standard_ND96isr_H100_v5, BM.GPU.H100.8, gpu_8x_h200,
 * gd-8xh100ib-i128), or undefined for CPU types and unknown ones.
 */
export function gpuTypeFromInstanceType(
  instanceType: string,
): GpuTypeMatch | undefined {
  const value = instanceType.trim();
  const awsFamily =
    /^([a-z0-9-]+)\.(nano|micro|small|medium|\d*x?large|metal[-\w]*)$/.exec(
      value,
    )?.[1];
  if (awsFamily !== undefined) {
    // An AWS name: only the family table speaks, so t4g.medium is not a T4.
    return AWS_FAMILIES[awsFamily];
  }
  for (const [pattern, match] of [...GCE_SERIES, ...NAMED_SIZES]) {
    if (pattern.test(value)) return match;
  }
  if (/^[a-z]\d+[a-z]?-[a-z]+-\d+$/.test(value)) {
    // Any other GCE machine type (n2-standard-8, a2-... handled above).
    return undefined;
  }
  const parsed = parseGpuProduct(value);
  // Shapes that name an A100 without its memory are the 40 GB part (Lambda gpu_1x_a100_sxm4).
  return parsed?.type === 'A100' ? nvidia('A100-40GB') : parsed;
}

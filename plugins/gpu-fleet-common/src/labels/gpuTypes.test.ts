import {
  gpuTypeFromGkeAccelerator,
  gpuTypeFromInstanceType,
  parseGpuProduct,
} from './gpuTypes';

describe('parseGpuProduct', () => {
  it.each([
    ['NVIDIA-H100-80GB-HBM3', 'H100'],
    ['NVIDIA-H100-NVL', 'H100'],
    ['NVIDIA-H200', 'H200'],
    ['NVIDIA-H200-NVL', 'H200'],
    ['NVIDIA-B200', 'B200'],
    ['NVIDIA-GB200', 'GB200'],
    ['NVIDIA-GH200-480GB', 'GH200'],
    ['NVIDIA-A100-SXM4-80GB', 'A100-80GB'],
    ['NVIDIA-A100-80GB-PCIe', 'A100-80GB'],
    ['NVIDIA-A100-SXM4-40GB', 'A100-40GB'],
    ['NVIDIA-A100-SXM4-40GB-MIG-1g.5gb', 'A100-40GB'],
    ['NVIDIA-A100-PCIE-40GB-SHARED', 'A100-40GB'],
    ['NVIDIA-L40S', 'L40S'],
    ['NVIDIA-L40', 'L40'],
    ['NVIDIA-L4', 'L4'],
    ['NVIDIA-A10G', 'A10G'],
    ['NVIDIA-A10', 'A10'],
    ['Tesla-T4', 'T4'],
    ['Tesla-V100-SXM2-16GB', 'V100'],
    ['NVIDIA-RTX-6000-Ada-Generation', 'RTX-6000-Ada'],
    ['NVIDIA-RTX-PRO-6000-Blackwell-Server-Edition', 'RTX-PRO-6000'],
    ['h100', 'H100'],
    ['A100_80GB', 'A100-80GB'],
    ['a100-40gb', 'A100-40GB'],
    ['AMD_Instinct_MI300X', 'MI300X'],
    ['AMD_Instinct_MI300X_OAM', 'MI300X'],
    ['Instinct MI210', 'MI210'],
  ])('reads %s as %s', (product, type) => {
    expect(parseGpuProduct(product)?.type).toBe(type);
  });

  it('names the vendor and leaves an A100 of unknown size open', () => {
    expect(parseGpuProduct('AMD_Instinct_MI325X')).toEqual({
      type: 'MI325X',
      vendor: 'amd',
    });
    expect(parseGpuProduct('NVIDIA-A100')).toEqual({
      type: 'A100',
      vendor: 'nvidia',
    });
    expect(parseGpuProduct('NVIDIA-GeForce-GTX-1080')).toBeUndefined();
  });
});

describe('gpuTypeFromGkeAccelerator', () => {
  it.each([
    ['nvidia-h100-80gb', 'H100'],
    ['nvidia-h100-mega-80gb', 'H100'],
    ['nvidia-h200-141gb', 'H200'],
    ['nvidia-b200', 'B200'],
    ['nvidia-gb200', 'GB200'],
    ['nvidia-tesla-a100', 'A100-40GB'],
    ['nvidia-a100-80gb', 'A100-80GB'],
    ['nvidia-l4', 'L4'],
    ['nvidia-tesla-t4', 'T4'],
    ['nvidia-tesla-v100', 'V100'],
    ['nvidia-rtx-pro-6000', 'RTX-PRO-6000'],
  ])('reads %s as %s', (accelerator, type) => {
    expect(gpuTypeFromGkeAccelerator(accelerator)?.type).toBe(type);
  });
});

describe('gpuTypeFromInstanceType', () => {
  it.each([
    // EKS
    ['p5.48xlarge', 'H100'],
    ['p5.4xlarge', 'H100'],
    ['p5e.48xlarge', 'H200'],
    ['p5en.48xlarge', 'H200'],
    ['p4d.24xlarge', 'A100-40GB'],
    ['p4de.24xlarge', 'A100-80GB'],
    ['p6-b200.48xlarge', 'B200'],
    ['p6e-gb200.36xlarge', 'GB200'],
    ['g6e.12xlarge', 'L40S'],
    ['g6.xlarge', 'L4'],
    ['g5.48xlarge', 'A10G'],
    ['g4dn.xlarge', 'T4'],
    // GKE machine types
    ['a3-highgpu-8g', 'H100'],
    ['a3-megagpu-8g', 'H100'],
    ['a3-ultragpu-8g', 'H200'],
    ['a4-highgpu-8g', 'B200'],
    ['a2-highgpu-1g', 'A100-40GB'],
    ['a2-ultragpu-8g', 'A100-80GB'],
    ['g2-standard-24', 'L4'],
    // AKS VM sizes
    ['Standard_ND96isr_H100_v5', 'H100'],
    ['Standard_ND96isr_H200_v5', 'H200'],
    ['Standard_ND96amsr_A100_v4', 'A100-80GB'],
    ['Standard_ND96asr_v4', 'A100-40GB'],
    ['Standard_NC24ads_A100_v4', 'A100-80GB'],
    ['Standard_NC40ads_H100_v5', 'H100'],
    ['Standard_ND96isr_MI300X_v5', 'MI300X'],
    ['Standard_NC4as_T4_v3', 'T4'],
    ['Standard_NV36ads_A10_v5', 'A10'],
    // OKE shapes
    ['BM.GPU.H100.8', 'H100'],
    ['BM.GPU.H200.8', 'H200'],
    ['BM.GPU.A100-v2.8', 'A100-80GB'],
    ['BM.GPU4.8', 'A100-40GB'],
    ['BM.GPU.MI300X.8', 'MI300X'],
    ['BM.GPU.L40S.4', 'L40S'],
    ['VM.GPU.A10.1', 'A10'],
    // GPU clouds
    ['gd-8xh100ib-i128', 'H100'],
    ['gpu_8x_h200', 'H200'],
    ['gpu_8x_a100_80gb_sxm4', 'A100-80GB'],
    ['gpu_1x_a100_sxm4', 'A100-40GB'],
    ['gpu_1x_gh200', 'GH200'],
  ])('reads %s as %s', (instanceType, type) => {
    expect(gpuTypeFromInstanceType(instanceType)?.type).toBe(type);
  });

  it.each([
    'm6i.2xlarge',
    't4g.medium',
    'c7g.metal',
    'n2-standard-8',
    'e2-medium',
    'Standard_D8s_v5',
    'Standard_L8s_v3',
    'VM.Standard.E4.Flex',
    'cd-gp-a192-genoa',
  ])('finds no GPU in %s', instanceType => {
    expect(gpuTypeFromInstanceType(instanceType)).toBeUndefined();
  });
});

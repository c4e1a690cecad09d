import { capacityPlacement, effectiveCapacityType } from './capacityPlacement';

describe('capacityPlacement', () => {
  it('requires on-demand nodes on EKS through Karpenter or managed node group labels', () => {
    expect(capacityPlacement('on-demand', 'eks')).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                {
                  key: 'karpenter.sh/capacity-type',
                  operator: 'In',
                  values: ['on-demand'],
                },
              ],
            },
            {
              matchExpressions: [
                {
                  key: 'eks.amazonaws.com/capacityType',
                  operator: 'In',
                  values: ['ON_DEMAND'],
                },
              ],
            },
          ],
        },
      },
      tolerations: [],
    });
  });

  it('requires spot nodes on EKS without a toleration', () => {
    const placement = capacityPlacement('spot', 'eks');
    expect(
      placement.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
        ?.nodeSelectorTerms,
    ).toEqual([
      {
        matchExpressions: [
          {
            key: 'karpenter.sh/capacity-type',
            operator: 'In',
            values: ['spot'],
          },
        ],
      },
      {
        matchExpressions: [
          {
            key: 'eks.amazonaws.com/capacityType',
            operator: 'In',
            values: ['SPOT'],
          },
        ],
      },
    ]);
    expect(placement.tolerations).toEqual([]);
  });

  it('reads on-demand on GKE and AKS as the absence of their spot label', () => {
    expect(capacityPlacement('on-demand', 'gke').nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'cloud.google.com/gke-spot', operator: 'DoesNotExist' },
            ],
          },
        ],
      },
    });
    expect(capacityPlacement('on-demand', 'aks').nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              {
                key: 'kubernetes.azure.com/scalesetpriority',
                operator: 'DoesNotExist',
              },
            ],
          },
        ],
      },
    });
  });

  it('tolerates the spot taint of AKS and GKE when spot is required', () => {
    expect(capacityPlacement('spot', 'aks')).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                {
                  key: 'kubernetes.azure.com/scalesetpriority',
                  operator: 'In',
                  values: ['spot'],
                },
              ],
            },
          ],
        },
      },
      tolerations: [
        {
          key: 'kubernetes.azure.com/scalesetpriority',
          operator: 'Equal',
          value: 'spot',
          effect: 'NoSchedule',
        },
      ],
    });
    expect(capacityPlacement('spot', 'gke').tolerations).toEqual([
      {
        key: 'cloud.google.com/gke-spot',
        operator: 'Equal',
        value: 'true',
        effect: 'NoSchedule',
      },
    ]);
  });

  it('uses the suite label elsewhere, counting unlabelled nodes as on-demand', () => {
    expect(
      capacityPlacement('on-demand', 'lambda').nodeAffinity
        .requiredDuringSchedulingIgnoredDuringExecution,
    ).toEqual({
      nodeSelectorTerms: [
        {
          matchExpressions: [
            {
              key: 'gpu-fleet.io/capacity-type',
              operator: 'NotIn',
              values: ['spot'],
            },
          ],
        },
      ],
    });
    expect(
      capacityPlacement('spot', 'oke').nodeAffinity
        .requiredDuringSchedulingIgnoredDuringExecution,
    ).toEqual({
      nodeSelectorTerms: [
        {
          matchExpressions: [
            {
              key: 'gpu-fleet.io/capacity-type',
              operator: 'In',
              values: ['spot'],
            },
          ],
        },
      ],
    });
  });

  it('only prefers spot with fallback, and still tolerates the spot taint', () => {
    const gke = capacityPlacement('spot-with-fallback', 'gke');
    expect(gke.nodeAffinity).toEqual({
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          preference: {
            matchExpressions: [
              {
                key: 'cloud.google.com/gke-spot',
                operator: 'In',
                values: ['true'],
              },
            ],
          },
        },
      ],
    });
    expect(
      gke.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution,
    ).toBeUndefined();
    expect(gke.tolerations).toHaveLength(1);
    expect(
      capacityPlacement('spot-with-fallback', 'eks').nodeAffinity
        .preferredDuringSchedulingIgnoredDuringExecution,
    ).toHaveLength(2);
  });
});

describe('effectiveCapacityType', () => {
  it('takes the manifest, then the workspace, then on-demand', () => {
    expect(effectiveCapacityType('spot', 'on-demand')).toBe('spot');
    expect(effectiveCapacityType(undefined, 'spot-with-fallback')).toBe(
      'spot-with-fallback',
    );
    expect(effectiveCapacityType(undefined, null)).toBe('on-demand');
  });
});

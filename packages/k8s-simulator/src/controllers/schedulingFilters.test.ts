import { KubeObject } from '../kubeObject';
import {
  matchesLabelSelector,
  matchesNodeSelectorAndAffinity,
} from './labelSelectors';
import { parseMilliQuantity } from './quantities';
import { fitErrorMessage } from './schedulingFilters';

const node: KubeObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: {
    name: 'gpu-3',
    labels: { 'nvidia.com/gpu.count': '8', pool: 'h100', zone: 'a' },
  },
};

function podWith(
  matchExpressions: object[],
  nodeSelector?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ml' },
    spec: {
      ...(nodeSelector ? { nodeSelector } : {}),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions }],
          },
        },
      },
    },
  };
}

describe('scheduling filters', () => {
  it.each([
    [{ key: 'pool', operator: 'In', values: ['a100', 'h100'] }, true],
    [{ key: 'pool', operator: 'NotIn', values: ['h100'] }, false],
    [{ key: 'missing', operator: 'NotIn', values: ['x'] }, true],
    [{ key: 'zone', operator: 'Exists' }, true],
    [{ key: 'zone', operator: 'DoesNotExist' }, false],
    [{ key: 'nvidia.com/gpu.count', operator: 'Gt', values: ['7'] }, true],
    [{ key: 'nvidia.com/gpu.count', operator: 'Gt', values: ['8'] }, false],
    [{ key: 'nvidia.com/gpu.count', operator: 'Lt', values: ['9'] }, true],
    [{ key: 'pool', operator: 'Lt', values: ['9'] }, false],
  ])(
    'evaluates the node affinity requirement %j as %s',
    (requirement, expected) => {
      expect(matchesNodeSelectorAndAffinity(podWith([requirement]), node)).toBe(
        expected,
      );
    },
  );

  it('needs every expression of a term, any term, and the nodeSelector too', () => {
    expect(
      matchesNodeSelectorAndAffinity(
        podWith([
          { key: 'pool', operator: 'In', values: ['h100'] },
          { key: 'zone', operator: 'In', values: ['b'] },
        ]),
        node,
      ),
    ).toBe(false);
    expect(
      matchesNodeSelectorAndAffinity(
        podWith([{ key: 'pool', operator: 'Exists' }], { zone: 'b' }),
        node,
      ),
    ).toBe(false);
    const twoTerms = podWith([]);
    (
      twoTerms.spec as any
    ).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms =
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] },
        {
          matchFields: [
            { key: 'metadata.name', operator: 'In', values: ['gpu-3'] },
          ],
        },
      ];
    expect(matchesNodeSelectorAndAffinity(twoTerms, node)).toBe(true);
  });

  it('treats an empty label selector as everything and a missing one as nothing', () => {
    expect(matchesLabelSelector({}, { a: 'b' })).toBe(true);
    expect(matchesLabelSelector(undefined, { a: 'b' })).toBe(false);
    expect(
      matchesLabelSelector(
        {
          matchLabels: { a: 'b' },
          matchExpressions: [{ key: 'c', operator: 'DoesNotExist' }],
        },
        { a: 'b' },
      ),
    ).toBe(true);
  });

  it('reads quantities in thousandths', () => {
    expect(parseMilliQuantity('191450m')).toBe(191450);
    expect(parseMilliQuantity('8')).toBe(8000);
    expect(parseMilliQuantity(8)).toBe(8000);
    expect(parseMilliQuantity('1Gi')).toBe(2 ** 30 * 1000);
    expect(parseMilliQuantity('1.5G')).toBe(1.5e9 * 1000);
    expect(parseMilliQuantity('2e3')).toBe(2e6);
    expect(parseMilliQuantity('lots')).toBeUndefined();
  });

  it('sorts reasons as strings, counts first, like the real FitError', () => {
    const failures = [
      ...Array.from({ length: 10 }, () => ({
        reasons: ['Insufficient memory'],
        unresolvable: false,
      })),
      ...Array.from({ length: 4 }, () => ({
        reasons: ['Insufficient cpu'],
        unresolvable: false,
      })),
    ];
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {},
      spec: {},
    };
    expect(fitErrorMessage(pod, failures)).toBe(
      '0/14 nodes are available: 10 Insufficient memory, 4 Insufficient cpu. ' +
        'preemption: 0/14 nodes are available: 14 No preemption victims found for incoming pod.',
    );
    (pod.spec as any).preemptionPolicy = 'Never';
    expect(fitErrorMessage(pod, failures)).toMatch(
      / preemption: not eligible due to preemptionPolicy=Never\.$/,
    );
  });
});

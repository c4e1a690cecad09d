import { describeZodIssues } from '../schemas';
import { inventoryReportSchema } from './schema';
import { NodeInventory } from './types';

const node: NodeInventory = {
  name: 'ip-10-0-0-4.ec2.internal',
  nodePool: 'p5-h100',
  gpuType: 'H100',
  gpuVendor: 'nvidia',
  gpuCount: 8,
  gpuAllocated: 2,
  capacityType: 'spot',
  instanceType: 'p5.48xlarge',
  schedulable: true,
  ready: true,
  taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }],
  topology: { localBlock: 'block-1' },
};

function errorOf(body: unknown) {
  const result = inventoryReportSchema.safeParse(body);
  if (result.success) throw new Error('expected a validation error');
  return describeZodIssues(result.error)[0];
}

describe('inventory report schema', () => {
  it('accepts a snapshot and a delta as the agent sends them', () => {
    const snapshot = { type: 'snapshot', seq: 0, nodes: [node] };
    const delta = { type: 'delta', seq: 1, upserts: [], removed: [node.name] };
    expect(inventoryReportSchema.parse(snapshot)).toEqual(snapshot);
    expect(inventoryReportSchema.parse(delta)).toEqual(delta);
  });

  it.each([
    [{ type: 'full', seq: 1, nodes: [] }, /^type: /],
    [{ type: 'snapshot', seq: -1, nodes: [] }, /^seq: /],
    [{ type: 'snapshot', seq: 1.5, nodes: [] }, /^seq: /],
    [{ type: 'delta', seq: 2, upserts: [] }, /^removed: /],
    [
      { type: 'snapshot', seq: 1, nodes: [{ ...node, gpuCount: -8 }] },
      /^nodes\[0\]\.gpuCount: /,
    ],
    [
      { type: 'snapshot', seq: 1, nodes: [{ ...node, capacityType: 'cheap' }] },
      /^nodes\[0\]\.capacityType: /,
    ],
    [
      { type: 'delta', seq: 1, upserts: [{ ...node, extra: 1 }], removed: [] },
      /^upserts\[0\]\.extra: is not a known field/,
    ],
    [
      { type: 'snapshot', seq: 1, nodes: [node], extra: true },
      /^extra: is not a known field/,
    ],
  ])('names the field at fault in %j', (body, message) => {
    expect(errorOf(body)).toMatch(message);
  });

  it('refuses oversized strings and arrays', () => {
    expect(
      errorOf({
        type: 'snapshot',
        seq: 1,
        nodes: [{ ...node, nodePool: 'p'.repeat(254) }],
      }),
    ).toMatch(/^nodes\[0\]\.nodePool: /);
    expect(
      errorOf({
        type: 'snapshot',
        seq: 1,
        nodes: [
          {
            ...node,
            taints: Array.from({ length: 65 }, (_, i) => ({
              key: `k${i}`,
              effect: 'NoSchedule',
            })),
          },
        ],
      }),
    ).toMatch(/^nodes\[0\]\.taints: /);
    expect(
      errorOf({
        type: 'delta',
        seq: 1,
        upserts: [],
        removed: Array.from({ length: 10_001 }, (_, i) => `n${i}`),
      }),
    ).toMatch(/^removed: /);
  });
});

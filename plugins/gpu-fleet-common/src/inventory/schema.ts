import { z } from 'zod';
import { CAPACITY_TYPES, InventoryReport } from './types';

// Bounds keep one report from pinning unbounded memory on the control plane.
const MAX_NODES = 10_000;
const name = z.string().min(1).max(253);
const label = z.string().max(253);

const nodeInventorySchema = z.strictObject({
  name,
  nodePool: label.nullable(),
  gpuType: z.string().min(1).max(64).nullable(),
  // Optional: agents before it did not send it.
  gpuTypeLabel: z
    .strictObject({ key: label.min(1), value: z.string().max(63) })
    .nullable()
    .optional(),
  gpuVendor: z.enum(['nvidia', 'amd']).nullable(),
  gpuCount: z.number().int().min(0).max(1024),
  gpuAllocated: z.number().int().min(0).max(1024),
  capacityType: z.enum(CAPACITY_TYPES),
  instanceType: label.nullable(),
  schedulable: z.boolean(),
  ready: z.boolean(),
  taints: z
    .array(
      z.strictObject({
        key: label,
        value: z.string().max(1024).optional(),
        effect: z.string().max(32),
      }),
    )
    .max(64),
  topology: z.strictObject({
    localBlock: label.optional(),
    networkBlock: label.optional(),
    hpcIsland: label.optional(),
  }),
});

const seq = z.number().int().min(0);

/** What an agent's `inventory` Report body must be; errors name the field. */
export const inventoryReportSchema: z.ZodType<InventoryReport> =
  z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('snapshot'),
      seq,
      nodes: z.array(nodeInventorySchema).max(MAX_NODES),
    }),
    z.strictObject({
      type: z.literal('delta'),
      seq,
      upserts: z.array(nodeInventorySchema).max(MAX_NODES),
      removed: z.array(name).max(MAX_NODES),
    }),
  ]);

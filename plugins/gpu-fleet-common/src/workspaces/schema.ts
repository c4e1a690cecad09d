import { z } from 'zod';
import { GPU_TYPES } from '../labels/gpuTypes';
import { clusterLabelsSchema, clusterNameSchema } from '../schemas';
import {
  WORKSPACE_CAPACITY_TYPES,
  WORKSPACE_ROLES,
  WorkspaceMember,
} from './types';

/** Workspace names, like cluster names, are DNS-1123 labels. */
export const workspaceNameSchema = clusterNameSchema;

// kind:namespace/name, the catalog's full entity ref, for users and groups only.
const MEMBER_REF =
  /^(user|group):[a-z0-9][-a-z0-9_.]{0,62}\/[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;

export const workspaceMemberSchema = z.strictObject({
  ref: z
    .string()
    .regex(
      MEMBER_REF,
      'must be a full catalog ref of a user or group, e.g. user:default/bob or group:default/ml-research',
    ),
  role: z.enum(WORKSPACE_ROLES, {
    error: `must be one of: ${WORKSPACE_ROLES.join(', ')}`,
  }),
});

const memberListSchema = z
  .array(workspaceMemberSchema)
  .max(500)
  .superRefine((members: WorkspaceMember[], ctx) => {
    const seen = new Set<string>();
    members.forEach((member, index) => {
      const ref = member.ref.toLowerCase();
      if (seen.has(ref)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'ref'],
          message: `'${member.ref}' is listed twice`,
        });
      }
      seen.add(ref);
    });
  });

const gpuQuotaSchema = z
  .array(
    z.strictObject({
      gpuType: z.enum(GPU_TYPES, {
        error: `is not a known GPU type; known: ${GPU_TYPES.join(', ')}`,
      }),
      count: z.number().int().min(0).max(100_000),
    }),
  )
  .max(GPU_TYPES.length)
  .superRefine((quota, ctx) => {
    quota.forEach((entry, index) => {
      if (quota.findIndex(q => q.gpuType === entry.gpuType) !== index) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'gpuType'],
          message: `'${entry.gpuType}' is listed twice`,
        });
      }
    });
  });

const tolerationSchema = z
  .strictObject({
    key: z.string().min(1).max(316).optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().max(63).optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().min(0).optional(),
  })
  .refine(t => !(t.operator === 'Exists' && t.value !== undefined), {
    message: 'an Exists toleration takes no value',
    path: ['value'],
  })
  .refine(t => t.key !== undefined || t.operator === 'Exists', {
    message: 'a toleration without a key must use operator Exists',
    path: ['key'],
  });

const defaultsSchema = z.strictObject({
  tolerations: z.array(tolerationSchema).max(50).default([]),
  nodeSelector: clusterLabelsSchema.default({}),
  priorityClassName: z
    .string()
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 subdomain')
    .nullable()
    .default(null),
  capacityType: z
    .enum(WORKSPACE_CAPACITY_TYPES, {
      error: `must be one of: ${WORKSPACE_CAPACITY_TYPES.join(', ')}`,
    })
    .nullable()
    .default(null),
});

const workloadIdentitySchema = z.strictObject({
  awsRoleArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
      'must be an IAM role ARN',
    )
    .optional(),
  gcpServiceAccount: z
    .string()
    .regex(
      /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[-a-z0-9.]+\.iam\.gserviceaccount\.com$/,
      'must be a Google service account email',
    )
    .optional(),
  azureClientId: z.uuid({ error: 'must be a client id (a UUID)' }).optional(),
  ociClusterId: z
    .string()
    .regex(/^ocid1\.cluster\.[a-z0-9.-]+$/, 'must be a cluster OCID')
    .optional(),
  ociCompartment: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'must be a compartment name or OCID')
    .optional(),
});

export const createWorkspaceRequestSchema = z.strictObject({
  name: workspaceNameSchema,
  cluster: clusterNameSchema,
  /** Defaults to the workspace's name. */
  namespace: clusterNameSchema.optional(),
  displayName: z.string().min(1).max(200).optional(),
  description: z.string().max(2000).optional(),
  allowPrivileged: z.boolean().default(false),
  gpuQuota: gpuQuotaSchema.default([]),
  defaults: defaultsSchema.default({
    tolerations: [],
    nodeSelector: {},
    priorityClassName: null,
    capacityType: null,
  }),
  workloadIdentity: workloadIdentitySchema.default({}),
  members: memberListSchema.default([]),
});

export const updateWorkspaceRequestSchema = z
  .strictObject({
    displayName: z.string().min(1).max(200).optional(),
    description: z.string().max(2000).nullable().optional(),
    allowPrivileged: z.boolean().optional(),
    gpuQuota: gpuQuotaSchema.optional(),
    defaults: defaultsSchema.optional(),
    workloadIdentity: workloadIdentitySchema.optional(),
    members: memberListSchema.optional(),
  })
  .refine(r => Object.values(r).some(v => v !== undefined), {
    message:
      'nothing to update: give displayName, description, allowPrivileged, gpuQuota, defaults, workloadIdentity or members',
  });

export const listWorkspacesQuerySchema = z.strictObject({
  cluster: clusterNameSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export type CreateWorkspaceRequest = z.infer<
  typeof createWorkspaceRequestSchema
>;
export type UpdateWorkspaceRequest = z.infer<
  typeof updateWorkspaceRequestSchema
>;
export type ListWorkspacesQuery = z.infer<typeof listWorkspacesQuerySchema>;

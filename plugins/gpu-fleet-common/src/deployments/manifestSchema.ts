import { z } from 'zod';
import { GPU_TYPES } from '../labels/gpuTypes';
import { clusterLabelsSchema, clusterNameSchema } from '../schemas';
import { WORKSPACE_CAPACITY_TYPES } from '../workspaces/types';

/** What a deployment is: a long-running service or a job that ends. */
export const DEPLOYMENT_KINDS = ['Service', 'Job'] as const;
/** How a deployment renders, and the kind each template makes. */
export const DEPLOYMENT_TEMPLATES = { vllm: 'Service', mpijob: 'Job' } as const;
export type DeploymentTemplate = keyof typeof DEPLOYMENT_TEMPLATES;
const TEMPLATE_IDS = Object.keys(DEPLOYMENT_TEMPLATES) as DeploymentTemplate[];

const dnsLabel = clusterNameSchema;

// Kubernetes resource quantities: 8, 500m, 64Gi, 1.5, 2e3.
const QUANTITY =
  /^([+]?[0-9.]+)([eE][-+]?[0-9]+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const quantity = z
  .union([z.number().positive(), z.string()])
  .transform(String)
  .refine(v => QUANTITY.test(v) && Number.parseFloat(v) > 0, {
    message: 'must be a positive Kubernetes quantity, e.g. 8, 500m or 64Gi',
  });

// registry/path/name[:tag][@sha256:digest], lower-case path, no spaces.
const IMAGE =
  /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const imageSchema = z
  .string()
  .max(512)
  .regex(IMAGE, 'must be an image reference, e.g. vllm/vllm-openai:v0.8.5');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const envSchema = z
  .array(
    z.union(
      [
        z.strictObject({
          name: z
            .string()
            .regex(ENV_NAME, 'must be an environment variable name'),
          value: z.string().max(32_768),
        }),
        z.strictObject({
          name: z
            .string()
            .regex(ENV_NAME, 'must be an environment variable name'),
          secretRef: z.strictObject({
            name: dnsLabel,
            key: z.string().min(1).max(253),
          }),
        }),
      ],
      {
        error: 'each entry is {name, value} or {name, secretRef: {name, key}}',
      },
    ),
  )
  .max(100);

const portSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1123 label')
    .max(15),
  port: z.number().int().min(1).max(65_535),
});

const probeSchema = z.strictObject({
  path: z.string().startsWith('/', 'must start with /').max(1024),
  port: z.number().int().min(1).max(65_535),
  initialDelaySeconds: z.number().int().min(0).max(3600).optional(),
  periodSeconds: z.number().int().min(1).max(3600).optional(),
});

// Five fields: minute hour day-of-month month day-of-week.
const CRON = /^(\S+\s+){4}\S+$/;
const prometheusSchema = z.strictObject({
  serverAddress: z.url({ error: 'must be the Prometheus server URL' }),
  query: z.string().min(1).max(2000),
});

const autoscalingSchema = z.strictObject({
  /** Requests per second per replica, from Prometheus. */
  requestRate: prometheusSchema
    .extend({ targetPerReplica: z.number().positive() })
    .optional(),
  /** Waiting requests per replica (vLLM's num_requests_waiting), from Prometheus. */
  queueLength: prometheusSchema
    .extend({ targetPerReplica: z.number().positive() })
    .optional(),
  /** Replicas held between start and end, e.g. office hours. */
  schedule: z
    .array(
      z.strictObject({
        start: z.string().regex(CRON, 'must be a five-field cron expression'),
        end: z.string().regex(CRON, 'must be a five-field cron expression'),
        timezone: z.string().min(1).max(64),
        replicas: z.number().int().min(1).max(1000),
      }),
    )
    .max(10)
    .optional(),
  /** Down to no replica when idle; needs min 0 and a trigger that can wake it. */
  scaleToZero: z.boolean().default(false),
});

const storageSchema = z.discriminatedUnion(
  'kind',
  [
    /** A ReadWriteMany claim of a named class (Lustre, FSS, lambda-shared, ...). */
    z.strictObject({
      kind: z.literal('rwx'),
      storageClass: dnsLabel,
      size: quantity,
      mountPath: z.string().startsWith('/', 'must start with /'),
    }),
    /** The node's local NVMe, as a hostPath or a local PersistentVolume claim. */
    z.strictObject({
      kind: z.literal('local-nvme'),
      mode: z.enum(['hostPath', 'local-volume']),
      /** hostPath: the directory on the node's NVMe. */
      path: z.string().startsWith('/', 'must start with /').optional(),
      /** local-volume: the local StorageClass and size of each pod's own claim. */
      storageClass: dnsLabel.optional(),
      size: quantity.optional(),
      mountPath: z.string().startsWith('/', 'must start with /'),
    }),
    /** A block volume holding the weights, attached read-only to every replica. */
    z.strictObject({
      kind: z.literal('block-readonly'),
      claimName: dnsLabel,
      mountPath: z.string().startsWith('/', 'must start with /'),
    }),
    /** Pulled from object storage by an init container before the server starts. */
    z.strictObject({
      kind: z.literal('object-storage'),
      url: z.url({
        error: 'must be a URL, e.g. s3://bucket/path or https://...',
      }),
      into: z.enum(['emptyDir', 'nvme']),
      /** into nvme: the directory on the node's NVMe (default: one per deployment). */
      path: z.string().startsWith('/', 'must start with /').optional(),
      mountPath: z.string().startsWith('/', 'must start with /'),
      sizeLimit: quantity.optional(),
    }),
  ],
  {
    error: 'must be one of rwx, local-nvme, block-readonly, object-storage',
  },
);

const mpiSchema = z.strictObject({
  workers: z.number().int().min(1).max(1024),
  gpusPerWorker: z.number().int().min(1).max(16),
  /** Host network, IPC_LOCK, privileged, /dev/infiniband, memory-backed /dev/shm, same RDMA block. */
  rdma: z
    .strictObject({
      enabled: z.boolean(),
      shmSize: quantity.default('64Gi'),
    })
    .default({ enabled: false, shmSize: '64Gi' }),
  /** Where the training writes checkpoints. */
  checkpointStorage: storageSchema.optional(),
});

/** One format for services and jobs; every error names its field. */
export const deploymentManifestSchema = z
  .strictObject({
    kind: z.enum(DEPLOYMENT_KINDS, {
      error: `must be one of: ${DEPLOYMENT_KINDS.join(', ')}`,
    }),
    name: dnsLabel,
    workspace: dnsLabel,
    /** Retargeting: another cluster than the workspace's. */
    cluster: dnsLabel.optional(),
    template: z.enum(TEMPLATE_IDS, {
      error: `must be one of: ${TEMPLATE_IDS.join(', ')}`,
    }),
    image: imageSchema,
    /** What vLLM serves, e.g. meta-llama/Llama-3.1-8B-Instruct. */
    model: z.string().min(1).max(300).optional(),
    args: z.array(z.string().max(4096)).max(100).default([]),
    resources: z.strictObject({
      gpu: z.strictObject({
        type: z.enum(GPU_TYPES, {
          error: `is not a known GPU type; known: ${GPU_TYPES.join(', ')}`,
        }),
        count: z.number().int().min(1).max(16),
      }),
      cpu: quantity,
      memory: quantity,
    }),
    replicas: z
      .strictObject({
        min: z.number().int().min(0).max(1000),
        max: z.number().int().min(1).max(1000),
      })
      .refine(r => r.min <= r.max, {
        message: 'min must not be above max',
        path: ['min'],
      })
      .optional(),
    autoscaling: autoscalingSchema.optional(),
    capacityType: z
      .enum(WORKSPACE_CAPACITY_TYPES, {
        error: `must be one of: ${WORKSPACE_CAPACITY_TYPES.join(', ')}`,
      })
      .optional(),
    storage: storageSchema.optional(),
    env: envSchema.default([]),
    ports: z.array(portSchema).max(20).optional(),
    probes: z
      .strictObject({
        readiness: probeSchema.optional(),
        liveness: probeSchema.optional(),
      })
      .optional(),
    mpi: mpiSchema.optional(),
    labels: clusterLabelsSchema.optional(),
  })
  .superRefine((m, ctx) => {
    const issue = (path: PropertyKey[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    const kind = DEPLOYMENT_TEMPLATES[m.template];
    if (m.kind !== kind) {
      issue(
        ['kind'],
        `template ${m.template} makes a ${kind}, not a ${m.kind}`,
      );
    }
    if (m.template === 'vllm' && !m.model) {
      issue(['model'], 'is required for the vllm template');
    }
    if (m.template === 'mpijob' && !m.mpi) {
      issue(['mpi'], 'is required for the mpijob template');
    }
    if (m.template !== 'mpijob' && m.mpi) {
      issue(['mpi'], 'belongs to the mpijob template only');
    }
    if (m.kind === 'Job') {
      for (const field of [
        'replicas',
        'autoscaling',
        'ports',
        'probes',
      ] as const) {
        if (m[field] !== undefined) issue([field], 'belongs to services only');
      }
    }
    if (m.mpi && m.mpi.gpusPerWorker !== m.resources.gpu.count) {
      issue(
        ['mpi', 'gpusPerWorker'],
        `must equal resources.gpu.count (${m.resources.gpu.count}): each worker requests the deployment's GPUs`,
      );
    }
    const storages = [
      { path: ['storage'], storage: m.storage },
      { path: ['mpi', 'checkpointStorage'], storage: m.mpi?.checkpointStorage },
    ];
    for (const { path, storage } of storages) {
      if (storage?.kind !== 'local-nvme') continue;
      if (storage.mode === 'hostPath' && !storage.path) {
        issue([...path, 'path'], 'is required for mode hostPath');
      }
      if (storage.mode === 'local-volume') {
        if (!storage.storageClass) {
          issue([...path, 'storageClass'], 'is required for mode local-volume');
        }
        if (!storage.size) {
          issue([...path, 'size'], 'is required for mode local-volume');
        }
      }
    }
    const a = m.autoscaling;
    if (a?.scaleToZero) {
      if ((m.replicas?.min ?? 1) !== 0) {
        issue(
          ['replicas', 'min'],
          'must be 0 when autoscaling.scaleToZero is on',
        );
      }
      if (!a.requestRate && !a.queueLength && !a.schedule) {
        issue(
          ['autoscaling', 'scaleToZero'],
          'needs requestRate, queueLength or schedule to wake the service',
        );
      }
    } else if (m.replicas?.min === 0) {
      issue(['replicas', 'min'], 'may be 0 only with autoscaling.scaleToZero');
    }
  });

/** The manifest as written (defaults not yet applied). */
export type DeploymentManifestInput = z.input<typeof deploymentManifestSchema>;
/** The manifest after validation, defaults applied. */
export type DeploymentManifest = z.output<typeof deploymentManifestSchema>;
export type DeploymentStorage = z.output<typeof storageSchema>;

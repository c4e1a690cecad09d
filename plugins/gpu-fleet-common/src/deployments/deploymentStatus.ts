import { z } from 'zod';
import { isDnsLabel } from '../schemas';

export const DEPLOYMENT_PHASES = [
  'Pending',
  'Progressing',
  'Running',
  'Succeeded',
  'Failed',
  'Degraded',
] as const;
export type DeploymentPhase = (typeof DEPLOYMENT_PHASES)[number];

/**
 * Bounds of one status report. A deployment at every bound is about 150 kB
 * of JSON, so several fit the tunnel's 1 MiB frame; the agent splits a
 * report with more into frames below its own budget.
 */
export const DEPLOYMENT_STATUS_LIMITS = {
  deploymentsPerReport: 1000,
  removedPerReport: 1000,
  pods: 50,
  events: 20,
  conditions: 20,
  objects: 50,
  summaryChars: 1024,
  messageChars: 1024,
  podMessageChars: 512,
  reasonChars: 128,
} as const;

export interface ObservedCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ObservedPod {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node?: string;
  /** An MPIJob's launcher or worker. */
  role?: string;
  reason?: string;
  message?: string;
}

export interface ObservedEvent {
  type: string;
  reason: string;
  message: string;
  /** Kind/name of the object the event is about, e.g. `Pod/llama-7d9f-x2x4k`. */
  object: string;
  count: number;
  lastTimestamp?: string;
}

export interface ObservedObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** What the agent sees of one deployment: the objects labelled with its name. */
export interface ObservedDeployment {
  namespace: string;
  /** The `gpu-fleet.io/deployment` label's value. */
  name: string;
  phase: DeploymentPhase;
  /** One sentence a person wants, e.g. "1/1 replicas ready". */
  summary: string;
  observedAt: string;
  replicas?: {
    desired: number;
    ready: number;
    updated: number;
    available: number;
  };
  /** From the Deployment's conditions. */
  rollout?: { complete: boolean; reason?: string; message?: string };
  /** The MPIJob's conditions, or the Deployment's. */
  conditions: ObservedCondition[];
  pods: ObservedPod[];
  /** Warning first, newest first. */
  events: ObservedEvent[];
  /** Top-level labelled objects seen (Deployment, Service, ScaledObject, MPIJob, PVC). */
  objects: ObservedObjectRef[];
}

/** Body of a Report frame of kind 'status'. */
export interface DeploymentStatusReport {
  /** True: replaces everything earlier reported for this cluster. */
  snapshot: boolean;
  /** Changed deployments or, in a snapshot, all. */
  deployments: ObservedDeployment[];
  /** Deltas only: deployments no object of which is left. */
  removed: Array<{ namespace: string; name: string }>;
}

const LIMITS = DEPLOYMENT_STATUS_LIMITS;
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const namespace = z.string().refine(isDnsLabel, {
  message: 'must be a namespace name (a DNS-1123 label)',
});
const deploymentName = z
  .string()
  .min(1)
  .max(63)
  .regex(LABEL_VALUE, 'must be a label value');
const objectName = z.string().min(1).max(253);
const time = z.iso.datetime({ offset: true });
const count = z.number().int().min(0).max(1_000_000);
const text = (max: number) => z.string().max(max);

const conditionSchema = z.strictObject({
  type: z.string().min(1).max(128),
  status: z.string().max(16),
  reason: text(LIMITS.reasonChars).optional(),
  message: text(LIMITS.messageChars).optional(),
  lastTransitionTime: time.optional(),
});

const podSchema = z.strictObject({
  name: objectName,
  phase: z.string().max(32),
  ready: z.boolean(),
  restarts: count,
  node: objectName.optional(),
  role: z.string().max(63).optional(),
  reason: text(LIMITS.reasonChars).optional(),
  message: text(LIMITS.podMessageChars).optional(),
});

const eventSchema = z.strictObject({
  type: z.string().max(32),
  reason: text(LIMITS.reasonChars),
  message: text(LIMITS.messageChars),
  object: z.string().max(320),
  count,
  lastTimestamp: time.optional(),
});

const objectRefSchema = z.strictObject({
  apiVersion: z.string().min(1).max(128),
  kind: z.string().min(1).max(63),
  name: objectName,
});

export const observedDeploymentSchema: z.ZodType<ObservedDeployment> =
  z.strictObject({
    namespace,
    name: deploymentName,
    phase: z.enum(DEPLOYMENT_PHASES, {
      error: `must be one of: ${DEPLOYMENT_PHASES.join(', ')}`,
    }),
    summary: text(LIMITS.summaryChars),
    observedAt: time,
    replicas: z
      .strictObject({
        desired: count,
        ready: count,
        updated: count,
        available: count,
      })
      .optional(),
    rollout: z
      .strictObject({
        complete: z.boolean(),
        reason: text(LIMITS.reasonChars).optional(),
        message: text(LIMITS.messageChars).optional(),
      })
      .optional(),
    conditions: z.array(conditionSchema).max(LIMITS.conditions),
    pods: z.array(podSchema).max(LIMITS.pods),
    events: z.array(eventSchema).max(LIMITS.events),
    objects: z.array(objectRefSchema).max(LIMITS.objects),
  });

const deploymentKey = (d: { namespace: string; name: string }) =>
  `${d.namespace}/${d.name}`;

/** What an agent's `status` Report body must be; errors name the field. */
export const deploymentStatusReportSchema: z.ZodType<DeploymentStatusReport> = z
  .strictObject({
    snapshot: z.boolean(),
    deployments: z
      .array(observedDeploymentSchema)
      .max(LIMITS.deploymentsPerReport),
    removed: z
      .array(z.strictObject({ namespace, name: deploymentName }))
      .max(LIMITS.removedPerReport),
  })
  .superRefine((report, ctx) => {
    if (report.snapshot && report.removed.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['removed'],
        message: 'must be empty in a snapshot, which replaces everything',
      });
    }
    // One row per deployment: a name twice would leave the outcome to chance.
    const seen = new Set<string>();
    const once = (key: string, path: PropertyKey[]) => {
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `'${key}' is reported twice`,
        });
      }
      seen.add(key);
    };
    report.deployments.forEach((d, i) =>
      once(deploymentKey(d), ['deployments', i]),
    );
    report.removed.forEach((d, i) => once(deploymentKey(d), ['removed', i]));
  });

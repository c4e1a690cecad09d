import { WORKLOAD_SERVICE_ACCOUNT } from '../workspaces/workspaceObjects';
import type { KubeObject } from '../workspaces/workspaceObjects';
import type { DeploymentManifest } from './manifestSchema';
import { assertPrivilegedAllowed } from './privilegedUse';
import { DEPLOYMENT_LABEL, RenderContext, RenderError } from './renderContext';
import {
  containerEnv,
  deploymentLabels,
  gpuContainerResources,
  halfQuantity,
  podLabels,
  podPlacement,
} from './workloadPod';
import { renderStorage } from './workloadStorage';

/** vLLM's OpenAI-compatible server listens here unless told otherwise. */
export const VLLM_DEFAULT_PORT = 8000;

type Probe = NonNullable<
  NonNullable<DeploymentManifest['probes']>['readiness']
>;

function httpProbe(probe: Probe) {
  return {
    httpGet: { path: probe.path, port: probe.port },
    ...(probe.initialDelaySeconds !== undefined && {
      initialDelaySeconds: probe.initialDelaySeconds,
    }),
    ...(probe.periodSeconds !== undefined && {
      periodSeconds: probe.periodSeconds,
    }),
  };
}

function scaledObject(
  manifest: DeploymentManifest,
  namespace: string,
  labels: Record<string, string>,
): KubeObject | undefined {
  const autoscaling = manifest.autoscaling;
  if (!autoscaling) return undefined;
  const triggers: Array<Record<string, unknown>> = [];
  if (autoscaling.requestRate) {
    const { serverAddress, query, targetPerReplica } = autoscaling.requestRate;
    triggers.push({
      type: 'prometheus',
      name: 'request-rate',
      metadata: { serverAddress, query, threshold: String(targetPerReplica) },
    });
  }
  if (autoscaling.queueLength) {
    const { serverAddress, query, targetPerReplica } = autoscaling.queueLength;
    triggers.push({
      type: 'prometheus',
      name: 'queue-length',
      metadata: { serverAddress, query, threshold: String(targetPerReplica) },
    });
  }
  (autoscaling.schedule ?? []).forEach((window, index) => {
    triggers.push({
      type: 'cron',
      name: `schedule-${index}`,
      metadata: {
        timezone: window.timezone,
        start: window.start,
        end: window.end,
        desiredReplicas: String(window.replicas),
      },
    });
  });
  const minReplicaCount = autoscaling.scaleToZero
    ? 0
    : manifest.replicas?.min ?? 1;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: manifest.name, namespace, labels: { ...labels } },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: manifest.name,
      },
      minReplicaCount,
      maxReplicaCount: manifest.replicas?.max ?? Math.max(minReplicaCount, 1),
      triggers,
    },
  };
}

/**
 * A vLLM service: its Deployment and Service, a KEDA ScaledObject when it
 * autoscales, and a claim for its weights when they live on an RWX volume.
 */
export function renderVllm(
  manifest: DeploymentManifest,
  ctx: RenderContext,
): KubeObject[] {
  if (manifest.template !== 'vllm') {
    throw new RenderError('template', `is ${manifest.template}, not vllm`);
  }
  if (!manifest.model) {
    throw new RenderError('model', 'is required for the vllm template');
  }
  assertPrivilegedAllowed(manifest, ctx.workspace);

  const namespace = ctx.workspace.namespace;
  const labels = deploymentLabels(manifest, ctx);
  const ports = manifest.ports ?? [{ name: 'http', port: VLLM_DEFAULT_PORT }];
  const servingPort = ports[0].port;
  const readiness = manifest.probes?.readiness ?? {
    path: '/health',
    port: servingPort,
  };
  const liveness = manifest.probes?.liveness;
  const storage = manifest.storage
    ? renderStorage(manifest.storage, {
        field: 'storage',
        volumeName: 'weights',
        deploymentName: manifest.name,
        namespace,
        labels,
      })
    : undefined;
  const { nodeSelector, tolerations, nodeAffinity, priorityClassName } =
    podPlacement(manifest, ctx, { gpu: true });

  const container = {
    name: 'vllm',
    image: manifest.image,
    args: [
      '--model',
      manifest.model,
      '--tensor-parallel-size',
      String(manifest.resources.gpu.count),
      '--port',
      String(servingPort),
      ...manifest.args,
    ],
    ...(manifest.env.length > 0 && { env: containerEnv(manifest) }),
    ports: ports.map(p => ({
      name: p.name,
      containerPort: p.port,
      protocol: 'TCP',
    })),
    resources: gpuContainerResources(manifest, manifest.resources.gpu.count),
    readinessProbe: httpProbe(readiness),
    ...(liveness && { livenessProbe: httpProbe(liveness) }),
    volumeMounts: [
      ...(storage?.volumeMounts ?? []),
      { name: 'dshm', mountPath: '/dev/shm' },
    ],
  };

  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: manifest.name, namespace, labels: { ...labels } },
    spec: {
      // With KEDA the autoscaler owns the replica count; applying one here would fight it.
      ...(!manifest.autoscaling && { replicas: manifest.replicas?.min ?? 1 }),
      selector: { matchLabels: { [DEPLOYMENT_LABEL]: manifest.name } },
      template: {
        metadata: { labels: podLabels(manifest, ctx) },
        spec: {
          serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
          ...(priorityClassName && { priorityClassName }),
          ...(nodeSelector && { nodeSelector }),
          ...(tolerations && { tolerations }),
          ...(nodeAffinity && { affinity: { nodeAffinity } }),
          ...(storage &&
            storage.initContainers.length > 0 && {
              initContainers: storage.initContainers,
            }),
          containers: [container],
          volumes: [
            ...(storage?.volumes ?? []),
            // vLLM's tensor-parallel workers share memory through /dev/shm; the
            // container default of 64Mi is far too small. Half the pod's memory.
            {
              name: 'dshm',
              emptyDir: {
                medium: 'Memory',
                sizeLimit: halfQuantity(manifest.resources.memory),
              },
            },
          ],
        },
      },
    },
  };

  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: manifest.name, namespace, labels: { ...labels } },
    spec: {
      type: 'ClusterIP',
      selector: { [DEPLOYMENT_LABEL]: manifest.name },
      ports: ports.map(p => ({
        name: p.name,
        port: p.port,
        targetPort: p.name,
        protocol: 'TCP',
      })),
    },
  };

  const scaler = scaledObject(manifest, namespace, labels);
  return [
    ...(storage?.claims ?? []),
    deployment,
    service,
    ...(scaler ? [scaler] : []),
  ];
}

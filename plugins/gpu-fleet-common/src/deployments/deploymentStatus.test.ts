import { describeZodIssues } from '../schemas';
import {
  DEPLOYMENT_STATUS_LIMITS,
  deploymentStatusReportSchema,
  ObservedDeployment,
} from './deploymentStatus';

const running: ObservedDeployment = {
  namespace: 'ml-inference',
  name: 'llama-3-8b-chat',
  phase: 'Running',
  summary: '1/1 replicas ready',
  observedAt: '2026-12-02T10:00:00.000Z',
  replicas: { desired: 1, ready: 1, updated: 1, available: 1 },
  rollout: { complete: true, reason: 'NewReplicaSetAvailable' },
  conditions: [
    {
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      lastTransitionTime: '2026-12-02T09:58:00.000Z',
    },
  ],
  pods: [
    {
      name: 'llama-3-8b-chat-7d9f8b6c5-x2x4k',
      phase: 'Running',
      ready: true,
      restarts: 0,
      node: 'ip-10-0-64-21.ec2.internal',
    },
  ],
  events: [
    {
      type: 'Normal',
      reason: 'Pulled',
      message: 'Container image "vllm/vllm-openai:v0.8.5" already present',
      object: 'Pod/llama-3-8b-chat-7d9f8b6c5-x2x4k',
      count: 1,
      lastTimestamp: '2026-12-02T09:57:00.000Z',
    },
  ],
  objects: [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'llama-3-8b-chat' },
    { apiVersion: 'v1', kind: 'Service', name: 'llama-3-8b-chat' },
  ],
};

function errorOf(body: unknown) {
  const result = deploymentStatusReportSchema.safeParse(body);
  if (result.success) throw new Error('expected a validation error');
  return describeZodIssues(result.error)[0];
}

const delta = (deployments: unknown[], removed: unknown[] = []) => ({
  snapshot: false,
  deployments,
  removed,
});

describe('deployment status report schema', () => {
  it('accepts a snapshot and a delta as the agent sends them', () => {
    const snapshot = { snapshot: true, deployments: [running], removed: [] };
    expect(deploymentStatusReportSchema.parse(snapshot)).toEqual(snapshot);
    const gone = delta([], [{ namespace: 'ml-inference', name: 'old-run' }]);
    expect(deploymentStatusReportSchema.parse(gone)).toEqual(gone);
  });

  it.each([
    [{ deployments: [], removed: [] }, /^snapshot: /],
    [
      delta([{ ...running, phase: 'Crashing' }]),
      /^deployments\[0\]\.phase: must be one of: Pending, /,
    ],
    [
      delta([{ ...running, namespace: 'ML_Inference' }]),
      /^deployments\[0\]\.namespace: /,
    ],
    [delta([{ ...running, name: '' }]), /^deployments\[0\]\.name: /],
    [
      delta([{ ...running, observedAt: 'yesterday' }]),
      /^deployments\[0\]\.observedAt: /,
    ],
    [
      delta([{ ...running, replicas: { ...running.replicas, ready: -1 } }]),
      /^deployments\[0\]\.replicas\.ready: /,
    ],
    [
      delta([{ ...running, pods: [{ ...running.pods[0], restarts: 1.5 }] }]),
      /^deployments\[0\]\.pods\[0\]\.restarts: /,
    ],
    [
      delta([{ ...running, events: [{ ...running.events[0], extra: 1 }] }]),
      /^deployments\[0\]\.events\[0\]\.extra: is not a known field/,
    ],
    [delta([], [{ namespace: 'ml-inference' }]), /^removed\[0\]\.name: /],
    [
      {
        snapshot: true,
        deployments: [],
        removed: [{ namespace: 'a', name: 'b' }],
      },
      /^removed: must be empty in a snapshot/,
    ],
    [
      delta([running, { ...running, phase: 'Failed' }]),
      /^deployments\[1\]: 'ml-inference\/llama-3-8b-chat' is reported twice/,
    ],
    [
      delta(
        [running],
        [{ namespace: 'ml-inference', name: 'llama-3-8b-chat' }],
      ),
      /^removed\[0\]: 'ml-inference\/llama-3-8b-chat' is reported twice/,
    ],
  ])('names the field at fault in %j', (body, message) => {
    expect(errorOf(body)).toMatch(message);
  });

  it('refuses oversized texts and lists', () => {
    const limits = DEPLOYMENT_STATUS_LIMITS;
    expect(
      errorOf(
        delta([{ ...running, summary: 's'.repeat(limits.summaryChars + 1) }]),
      ),
    ).toMatch(/^deployments\[0\]\.summary: /);
    expect(
      errorOf(
        delta([
          {
            ...running,
            pods: Array.from({ length: limits.pods + 1 }, (_, i) => ({
              ...running.pods[0],
              name: `p${i}`,
            })),
          },
        ]),
      ),
    ).toMatch(/^deployments\[0\]\.pods: /);
    expect(
      errorOf(
        delta([
          {
            ...running,
            events: [
              {
                ...running.events[0],
                message: 'm'.repeat(limits.messageChars + 1),
              },
            ],
          },
        ]),
      ),
    ).toMatch(/^deployments\[0\]\.events\[0\]\.message: /);
    expect(
      errorOf(
        delta(
          [],
          Array.from({ length: limits.removedPerReport + 1 }, (_, i) => ({
            namespace: 'ml-inference',
            name: `d${i}`,
          })),
        ),
      ),
    ).toMatch(/^removed: /);
  });

  it('bounds one deployment well inside the tunnel frame limit', () => {
    const limits = DEPLOYMENT_STATUS_LIMITS;
    const long = (n: number) => 'x'.repeat(n);
    const widest: ObservedDeployment = {
      ...running,
      name: long(63),
      summary: long(limits.summaryChars),
      conditions: Array.from({ length: limits.conditions }, () => ({
        type: long(128),
        status: 'Unknown',
        reason: long(limits.reasonChars),
        message: long(limits.messageChars),
        lastTransitionTime: '2026-12-02T09:58:00.000Z',
      })),
      pods: Array.from({ length: limits.pods }, () => ({
        name: long(253),
        phase: long(32),
        ready: false,
        restarts: 1_000_000,
        node: long(253),
        role: long(63),
        reason: long(limits.reasonChars),
        message: long(limits.podMessageChars),
      })),
      events: Array.from({ length: limits.events }, () => ({
        type: long(32),
        reason: long(limits.reasonChars),
        message: long(limits.messageChars),
        object: long(320),
        count: 1_000_000,
        lastTimestamp: '2026-12-02T09:57:00.000Z',
      })),
      objects: Array.from({ length: limits.objects }, () => ({
        apiVersion: long(128),
        kind: long(63),
        name: long(253),
      })),
    };
    // Valid at every bound, so what the agent clips to always passes.
    expect(() =>
      deploymentStatusReportSchema.parse(delta([widest])),
    ).not.toThrow();
    const bytes = new TextEncoder().encode(JSON.stringify(widest)).length;
    expect(bytes).toBeLessThan(200 * 1024);
  });
});

import {
  DEPLOYMENT_STATUS_LIMITS,
  deploymentStatusReportSchema,
  ObservedDeployment,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { splitStatusReport } from './splitStatusReport';

function observed(name: string, pods = 1): ObservedDeployment {
  return {
    namespace: 'ml-inference',
    name,
    phase: 'Running',
    summary: `${pods}/${pods} replicas ready`,
    observedAt: '2026-12-02T10:00:00.000Z',
    conditions: [],
    pods: Array.from({ length: pods }, (_, i) => ({
      name: `${name}-7d9f8b6c5-${i}`,
      phase: 'Running',
      ready: true,
      restarts: 0,
    })),
    events: [],
    objects: [{ apiVersion: 'apps/v1', kind: 'Deployment', name }],
  };
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('splitStatusReport', () => {
  it('leaves a report that fits as it is, and sends an empty snapshot too', () => {
    const report = {
      snapshot: false,
      deployments: [observed('a'), observed('b')],
      removed: [{ namespace: 'ml-inference', name: 'c' }],
    };
    expect(splitStatusReport(report, 64 * 1024)).toEqual([report]);
    expect(
      splitStatusReport({ snapshot: true, deployments: [], removed: [] }, 1024),
    ).toEqual([{ snapshot: true, deployments: [], removed: [] }]);
  });

  it('cuts a snapshot into a snapshot and deltas, each within the budget', () => {
    const deployments = Array.from({ length: 40 }, (_, i) =>
      observed(`d${String(i).padStart(2, '0')}`, 3),
    );
    const pieces = splitStatusReport(
      { snapshot: true, deployments, removed: [] },
      4096,
    );
    expect(pieces.length).toBeGreaterThan(3);
    expect(pieces.map(p => p.snapshot)).toEqual([
      true,
      ...pieces.slice(1).map(() => false),
    ]);
    for (const piece of pieces) {
      expect(bytes(piece)).toBeLessThanOrEqual(4096);
      expect(() => deploymentStatusReportSchema.parse(piece)).not.toThrow();
    }
    expect(pieces.flatMap(p => p.deployments)).toEqual(deployments);
  });

  it('keeps to the counts the schema allows', () => {
    const removed = Array.from(
      { length: DEPLOYMENT_STATUS_LIMITS.removedPerReport * 2 + 1 },
      (_, i) => ({ namespace: 'ml-inference', name: `gone-${i}` }),
    );
    const pieces = splitStatusReport(
      { snapshot: false, deployments: [], removed },
      10 * 1024 * 1024,
    );
    expect(pieces.map(p => p.removed.length)).toEqual([
      DEPLOYMENT_STATUS_LIMITS.removedPerReport,
      DEPLOYMENT_STATUS_LIMITS.removedPerReport,
      1,
    ]);
  });

  it('sheds pods and events of a deployment too large for one piece on its own', () => {
    // Control characters are escaped six bytes each in JSON.
    const noisy = '\u0001'.repeat(DEPLOYMENT_STATUS_LIMITS.podMessageChars);
    const big = {
      ...observed('chatty', DEPLOYMENT_STATUS_LIMITS.pods),
      events: Array.from({ length: DEPLOYMENT_STATUS_LIMITS.events }, () => ({
        type: 'Warning',
        reason: 'BackOff',
        message: noisy,
        object: 'Pod/chatty-0',
        count: 1,
      })),
    };
    big.pods = big.pods.map(p => ({ ...p, message: noisy }));
    const budget = 64 * 1024;
    expect(bytes(big)).toBeGreaterThan(budget);

    const [piece, ...rest] = splitStatusReport(
      { snapshot: false, deployments: [big], removed: [] },
      budget,
    );
    expect(rest).toEqual([]);
    expect(bytes(piece)).toBeLessThanOrEqual(budget);
    const fitted = piece.deployments[0];
    expect(fitted.pods.length).toBeGreaterThan(0);
    expect(fitted.pods.length).toBeLessThan(big.pods.length);
    expect(fitted.pods).toEqual(big.pods.slice(0, fitted.pods.length));
    expect(fitted.summary).toBe(big.summary);
  });
});

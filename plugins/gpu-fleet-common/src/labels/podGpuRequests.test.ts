import { KubePod } from './kubeShapes';
import {
  effectivePodGpuRequest,
  podGpuAllocation,
  sumGpuRequestsByNode,
} from './podGpuRequests';

const gpus = (n: string) => ({ 'nvidia.com/gpu': n });

function pod(
  nodeName: string | undefined,
  phase: string,
  containers: NonNullable<KubePod['spec']>['containers'],
  initContainers?: NonNullable<KubePod['spec']>['initContainers'],
): KubePod {
  return {
    spec: { ...(nodeName ? { nodeName } : {}), containers, initContainers },
    status: { phase },
  };
}

describe('effectivePodGpuRequest', () => {
  it('sums requests across containers and falls back to the limit', () => {
    expect(
      effectivePodGpuRequest(
        pod('n1', 'Running', [
          { resources: { requests: gpus('2'), limits: gpus('2') } },
          { resources: { limits: gpus('1') } },
          { resources: { requests: { cpu: '4' } } },
          {},
        ]),
      ),
    ).toBe(3);
  });

  it('counts AMD GPUs and ignores MIG slices', () => {
    expect(
      effectivePodGpuRequest(
        pod('n1', 'Running', [
          { resources: { limits: { 'amd.com/gpu': '4' } } },
          { resources: { limits: { 'nvidia.com/mig-1g.10gb': '1' } } },
        ]),
      ),
    ).toBe(4);
  });

  it('takes the hungriest init container when it needs more than the app containers', () => {
    expect(
      effectivePodGpuRequest(
        pod(
          'n1',
          'Running',
          [{ resources: { limits: gpus('1') } }],
          [
            { resources: { limits: gpus('4') } },
            { resources: { limits: gpus('2') } },
          ],
        ),
      ),
    ).toBe(4);
  });

  it('adds sidecars to the app containers and to init containers that start after them', () => {
    // Sidecar (1) starts first, then an init container (2) runs beside it, then the app (4) beside the sidecar.
    const p = pod(
      'n1',
      'Running',
      [{ resources: { limits: gpus('4') } }],
      [
        { restartPolicy: 'Always', resources: { limits: gpus('1') } },
        { resources: { limits: gpus('2') } },
      ],
    );
    expect(effectivePodGpuRequest(p)).toBe(5);
    const initHeavy = pod(
      'n1',
      'Running',
      [{ resources: { limits: gpus('1') } }],
      [
        { restartPolicy: 'Always', resources: { limits: gpus('2') } },
        { resources: { limits: gpus('6') } },
      ],
    );
    expect(effectivePodGpuRequest(initHeavy)).toBe(8);
  });
});

describe('podGpuAllocation and sumGpuRequestsByNode', () => {
  const running8 = pod('h100-0', 'Running', [
    { resources: { limits: gpus('8') } },
  ]);
  const pending2 = pod('h100-1', 'Pending', [
    { resources: { limits: gpus('2') } },
  ]);
  const done = pod('h100-1', 'Succeeded', [
    { resources: { limits: gpus('4') } },
  ]);
  const failed = pod('h100-1', 'Failed', [
    { resources: { limits: gpus('4') } },
  ]);
  const unbound = pod(undefined, 'Pending', [
    { resources: { limits: gpus('8') } },
  ]);
  const cpuOnly = pod('h100-1', 'Running', [
    { resources: { requests: { cpu: '2' } } },
  ]);

  it('counts bound pods that have not finished, including ones still starting', () => {
    expect(podGpuAllocation(running8)).toEqual({ nodeName: 'h100-0', gpus: 8 });
    expect(podGpuAllocation(pending2)).toEqual({ nodeName: 'h100-1', gpus: 2 });
    expect(podGpuAllocation(done)).toBeUndefined();
    expect(podGpuAllocation(failed)).toBeUndefined();
    expect(podGpuAllocation(unbound)).toBeUndefined();
    expect(podGpuAllocation(cpuOnly)).toBeUndefined();
  });

  it('sums per node', () => {
    const sums = sumGpuRequestsByNode([
      running8,
      pending2,
      done,
      failed,
      unbound,
      cpuOnly,
      pod('h100-1', 'Running', [
        { resources: { requests: gpus('3'), limits: gpus('3') } },
      ]),
    ]);
    expect(Object.fromEntries(sums)).toEqual({ 'h100-0': 8, 'h100-1': 5 });
  });
});

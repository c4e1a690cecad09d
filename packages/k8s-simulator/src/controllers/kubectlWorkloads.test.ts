import { RunningSimulator, startSimulator } from '../startSimulator';
import {
  cpuPool,
  eventually,
  GPU_TYPE_LABEL,
  gpuPool,
  testScenario,
} from '../__testUtils__/controllerCluster';
import { Kubectl, kubectlFor } from '../__testUtils__/kubectl';

// kubectl processes take a while to start; give the test room.
jest.setTimeout(60_000);

function deploymentYaml(name: string, gpus: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ml
spec:
  replicas: 1
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      nodeSelector: {${GPU_TYPE_LABEL}: H100}
      tolerations:
        - {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
      containers:
        - name: server
          image: vllm/vllm-openai:v0.8.5
          resources:
            limits: {nvidia.com/gpu: "${gpus}"}
`;
}

describe('kubectl on workloads the controllers run', () => {
  let sim: RunningSimulator;
  let kubectl: Kubectl;

  beforeEach(async () => {
    sim = await startSimulator({
      scenario: testScenario([gpuPool('gpu', 2, 2), cpuPool('cpu', 2)]),
      kubeletStartDelayMs: 10,
    });
    kubectl = kubectlFor(sim.url, 'controllers-test');
  });

  afterEach(async () => {
    kubectl.dispose();
    await sim.close();
  });

  const apply = async (name: string, gpus: number) => {
    const file = kubectl.manifest(`${name}.yaml`, deploymentYaml(name, gpus));
    const applied = await kubectl.run('apply', '--server-side', '-f', file);
    expect(applied).toEqual({
      code: 0,
      out: `deployment.apps/${name} serverside-applied\n`,
    });
  };

  it('shows a Running pod and a Pending one with the scheduler’s reason in get and describe', async () => {
    await apply('fits', 2);
    await apply('too-big', 4);
    const pods = await eventually(async () => {
      const listed = await kubectl.run('get', 'pods', '-n', 'ml', '-o', 'wide');
      expect(listed.code).toBe(0);
      expect(listed.out).toMatch(
        /^fits-\w+-\w{5}\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+gpu-0\s/m,
      );
      expect(listed.out).toMatch(
        /^too-big-\w+-\w{5}\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+<none>\s/m,
      );
      return listed.out;
    });
    expect(pods.split('\n')[0]).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    const pending = /^(too-big-\S+)/m.exec(pods)![1];

    const deployments = await kubectl.run('get', 'deployments', '-n', 'ml');
    expect(deployments.out).toMatch(/^fits\s+1\/1\s+1\s+1\s/m);
    expect(deployments.out).toMatch(/^too-big\s+0\/1\s+1\s+0\s/m);
    const replicaSets = await kubectl.run('get', 'rs', '-n', 'ml');
    expect(replicaSets.out).toMatch(
      /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/m,
    );
    expect(replicaSets.out).toMatch(/^too-big-\w+\s+1\s+1\s+0\s/m);

    const described = await kubectl.run('describe', 'pod', '-n', 'ml', pending);
    expect(described.code).toBe(0);
    expect(described.out).toMatch(/^Status:\s+Pending$/m);
    expect(described.out).toMatch(/^Node:\s+<none>$/m);
    expect(described.out).toMatch(
      /^Controlled By:\s+ReplicaSet\/too-big-\w+$/m,
    );
    expect(described.out).toMatch(/^\s+PodScheduled\s+False\s*$/m);
    expect(described.out).toMatch(
      /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n/m,
    );
    expect(described.out).toMatch(
      new RegExp(
        "^\\s+Warning\\s+FailedScheduling\\s+\\S+\\s+default-scheduler\\s+0/4 nodes are available: 2 Insufficient nvidia\\.com/gpu, 2 node\\(s\\) didn't match Pod's node affinity/selector\\. preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling\\.$",
        'm',
      ),
    );

    const running = /^(fits-\S+)/m.exec(pods)![1];
    const startedEvents = await kubectl.run(
      'describe',
      'pod',
      '-n',
      'ml',
      running,
    );
    const reasons = [
      ...startedEvents.out.matchAll(/^\s+Normal\s+(\w+)\s+\S+\s+(\S+)\s/gm),
    ].map(m => `${m[1]} ${m[2]}`);
    expect(reasons).toEqual([
      'Scheduled default-scheduler',
      'Pulling kubelet',
      'Pulled kubelet',
      'Created kubelet',
      'Started kubelet',
    ]);
  });
});

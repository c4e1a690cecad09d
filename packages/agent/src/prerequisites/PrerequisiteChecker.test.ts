import { PrerequisiteResult } from '@gpu-fleet/plugin-gpu-fleet-common';
import {
  certManagerCrds,
  closedUrl,
  simulatedCluster,
  startRegistry,
} from '../__testUtils__/prerequisiteFixtures';
import { KubeApiForwarder } from '../KubeApiForwarder';
import { PrerequisiteChecker } from './PrerequisiteChecker';
import {
  DEFAULT_PREREQUISITE_SETTINGS,
  PrerequisiteSettings,
} from './prerequisiteSettings';

jest.setTimeout(60_000);

async function check(
  kubeconfig: string,
  settings: Partial<PrerequisiteSettings>,
): Promise<Record<string, PrerequisiteResult>> {
  const report = await new PrerequisiteChecker(
    KubeApiForwarder.fromEnvironment(kubeconfig),
    { ...DEFAULT_PREREQUISITE_SETTINGS, probeTimeoutMs: 2000, ...settings },
  ).run();
  return Object.fromEntries(report.checks.map(c => [c.id, c]));
}

describe('PrerequisiteChecker', () => {
  it('passes what a well-prepared EKS cluster shows, and names the registry it cannot reach', async () => {
    const cluster = await simulatedCluster('eks-p5');
    const registry = await startRegistry();
    const unreachable = await closedUrl();
    const { store } = cluster.sim;
    store.createObject({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: {
        name: 'gp3',
        annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
      },
      provisioner: 'ebs.csi.aws.com',
    });
    store.createObject({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'efs-shared' },
      provisioner: 'efs.csi.aws.com',
    });
    store.createObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'nginx' },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
    try {
      const checks = await check(cluster.kubeconfig, {
        registries: [registry.url, unreachable],
        imageRegistry: registry.url,
        artifactStoreUrl: `${registry.url}/models`,
      });
      expect(checks['kubernetes-version']).toMatchObject({
        status: 'pass',
        details: { gitVersion: 'v1.30.4-eks-a737599', minimum: '1.28' },
      });
      expect(checks['node-headroom']).toMatchObject({
        status: 'pass',
        details: {
          nodes: 5,
          smallestAllocatablePodsPerNode: 58,
          podsPerNodeNeeded: 17,
        },
      });
      expect(checks['node-labels']).toMatchObject({
        status: 'pass',
        details: {
          gpuNodes: 3,
          gpuTypes: ['H100'],
        },
      });
      expect(checks['storage-classes']).toMatchObject({
        status: 'pass',
        details: { default: ['gp3'], readWriteMany: ['efs-shared'] },
      });
      expect(checks.ingress).toMatchObject({
        status: 'pass',
        details: { ingressClasses: ['nginx'] },
      });
      // cert-manager.io is not served by this cluster: the agent cannot tell.
      expect(checks['wildcard-domain-tls']).toMatchObject({
        status: 'unknown',
      });
      expect(checks['wildcard-domain-tls'].message).toContain('cert-manager');
      expect(checks['registry-egress']).toMatchObject({
        status: 'fail',
        details: {
          reachable: [registry.url],
          unreachable: [{ registry: unreachable, error: 'ECONNREFUSED' }],
        },
      });
      expect(checks['registry-egress'].message).toContain(unreachable);
      expect(checks['image-registry']).toMatchObject({ status: 'pass' });
    } finally {
      await registry.close();
      await cluster.close();
    }
  });

  it('fails what a bare cluster lacks, saying what it saw', async () => {
    const cluster = await simulatedCluster('lambda-h200');
    const { store } = cluster.sim;
    // A small node type caps how many pods the cluster can grow to.
    store.createObject({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'small-0' },
      status: { allocatable: { pods: '11', cpu: '2' } },
    });
    store.createObject({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gateway', namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
    });
    for (const crd of certManagerCrds()) store.createObject(crd);
    store.createObject({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'apps-wildcard', namespace: 'default' },
      spec: {
        dnsNames: ['*.apps.example.invalid'],
        secretName: 'apps-wildcard-tls',
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const unreachable = await closedUrl();
    try {
      const checks = await check(cluster.kubeconfig, {
        registries: [unreachable],
        wildcardDomain: 'apps.example.invalid',
      });
      expect(checks['node-headroom']).toMatchObject({
        status: 'fail',
        details: {
          smallestAllocatablePodsPerNode: 11,
          projectedPodsAtHeadroom: 2750,
          nodesAllowingTooFewPods: ['small-0 (11)'],
        },
      });
      expect(checks['node-labels']).toMatchObject({
        status: 'fail',
        message: 'of 2 GPU nodes, 2 without a node-pool label',
        details: { withoutNodePool: ['h200-node-0', 'h200-node-1'] },
      });
      expect(checks['storage-classes']).toMatchObject({
        status: 'fail',
        details: { storageClasses: [] },
      });
      expect(checks.ingress).toMatchObject({
        status: 'fail',
        details: { loadBalancersPending: ['default/gateway'] },
      });
      expect(checks['wildcard-domain-tls'].status).toBe('fail');
      expect(checks['wildcard-domain-tls'].message).toMatch(
        /covers \*\.apps\.example\.invalid, but gpu-fleet-[0-9a-f]{8}\.apps\.example\.invalid does not resolve/,
      );
      expect(checks['registry-egress'].status).toBe('fail');
      // Nothing configured to probe: the agent cannot tell.
      expect(checks['image-registry']).toMatchObject({
        status: 'unknown',
        details: {
          notConfigured: [
            'GPU_FLEET_IMAGE_REGISTRY',
            'GPU_FLEET_ARTIFACT_STORE_URL',
          ],
        },
      });
    } finally {
      await cluster.close();
    }
  });

  it('says unknown, not pass, when probes are off or nothing can be judged yet', async () => {
    const cluster = await simulatedCluster('lambda-h200');
    const { store } = cluster.sim;
    for (const node of store.listObjects('v1', 'Node')) {
      store.deleteObject('v1', 'Node', node.metadata.name!);
    }
    store.createObject({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gateway', namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
    });
    store.patchObject(
      'v1',
      'Service',
      'gateway',
      'default',
      { status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } },
      { subresource: 'status' },
    );
    try {
      const checks = await check(cluster.kubeconfig, {
        probeNetwork: false,
        addons: ['gpu-operator'],
      });
      expect(checks['registry-egress']).toMatchObject({
        status: 'unknown',
        details: { registries: ['ghcr.io', 'nvcr.io', 'registry.k8s.io'] },
      });
      expect(checks['image-registry'].status).toBe('unknown');
      expect(checks['node-headroom'].status).toBe('unknown');
      expect(checks['node-labels'].status).toBe('unknown');
      expect(checks.ingress).toMatchObject({
        status: 'pass',
        details: {
          loadBalancersWithAddress: ['default/gateway (203.0.113.7)'],
        },
      });
    } finally {
      await cluster.close();
    }
  });
});

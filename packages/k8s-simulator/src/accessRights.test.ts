import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from './kubeconfig';
import { RunningSimulator, startSimulator } from './startSimulator';
import { request } from './testing/httpClient';

jest.setTimeout(30_000);

const AGENT = 'system:serviceaccount:gpu-fleet:gpu-fleet-agent';
const REVIEWS = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

const review = (resourceAttributes: Record<string, string | undefined>) => ({
  apiVersion: 'authorization.k8s.io/v1',
  kind: 'SelfSubjectAccessReview',
  spec: { resourceAttributes },
});

describe('access reviews and the agent rights model', () => {
  let sim: RunningSimulator;
  let dir: string;
  const call = (
    method: string,
    path: string,
    options?: Parameters<typeof request>[3],
  ) => request(sim.url, method, path, options);
  const mayI = async (attributes: Record<string, string | undefined>) =>
    (await call('POST', REVIEWS, { body: review(attributes) })).body.status;

  // stdout alone: kubectl warns on stderr that namespaces are not namespaced.
  function kubectl(args: string[]): Promise<{ code: number; out: string }> {
    return new Promise(resolve => {
      execFile(
        '/usr/bin/kubectl',
        ['--cache-dir', join(dir, 'cache'), ...args],
        {
          env: {
            PATH: process.env.PATH,
            HOME: dir,
            KUBECONFIG: join(dir, 'kubeconfig'),
          },
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            out: error ? stdout + stderr : stdout,
          }),
      );
    });
  }

  async function start(agentRights?: 'full' | 'read-only') {
    sim = await startSimulator({ port: 0, agentRights });
    dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-rights-'));
    writeKubeconfig(sim.url, join(dir, 'kubeconfig'));
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'ml' },
    });
  }

  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with every right (the default)', () => {
    beforeEach(() => start());

    it('serves selfsubjectaccessreviews, create only and cluster-scoped, in discovery', async () => {
      const groups = (await call('GET', '/apis')).body.groups.map(
        (g: any) => g.name,
      );
      expect(groups).toContain('authorization.k8s.io');
      expect(
        (await call('GET', '/apis/authorization.k8s.io/v1')).body.resources,
      ).toEqual([
        {
          name: 'selfsubjectaccessreviews',
          singularName: 'selfsubjectaccessreview',
          namespaced: false,
          kind: 'SelfSubjectAccessReview',
          verbs: ['create'],
        },
      ]);
      expect((await call('GET', REVIEWS)).status).toBe(405);
    });

    it('answers every question with allowed, as kubectl auth can-i shows', async () => {
      const created = await call('POST', REVIEWS, {
        body: review({ verb: 'create', resource: 'namespaces' }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: {
          resourceAttributes: { verb: 'create', resource: 'namespaces' },
        },
        status: {
          allowed: true,
          reason: `the simulator grants ${AGENT} every right`,
        },
      });
      expect(
        await mayI({
          verb: 'bind',
          group: 'rbac.authorization.k8s.io',
          resource: 'clusterroles',
          name: 'gpu-fleet-workload-writer',
        }),
      ).toMatchObject({ allowed: true });
      expect(await kubectl(['auth', 'can-i', 'create', 'namespaces'])).toEqual({
        code: 0,
        out: 'yes\n',
      });
      const created2 = await kubectl(['create', 'namespace', 'training']);
      expect(created2).toEqual({
        code: 0,
        out: 'namespace/training created\n',
      });
    });

    it('refuses a review that names neither or both kinds of attributes', async () => {
      const neither = await call('POST', REVIEWS, {
        body: { ...review({}), spec: {} },
      });
      expect(neither.status).toBe(422);
      expect(neither.body.message).toBe(
        'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified',
      );
      const both = await call('POST', REVIEWS, {
        body: {
          ...review({}),
          spec: {
            resourceAttributes: { verb: 'get', resource: 'pods' },
            nonResourceAttributes: { verb: 'get', path: '/healthz' },
          },
        },
      });
      expect(both.status).toBe(422);
      expect(both.body.details.causes[0].field).toBe(
        'spec.nonResourceAttributes',
      );
    });
  });

  describe('as an agent installed without workspace rights', () => {
    beforeEach(() => start('read-only'));

    it('says no to writing namespaces, quotas and role bindings and to binding cluster roles', async () => {
      for (const attributes of [
        { verb: 'create', resource: 'namespaces' },
        { verb: 'delete', resource: 'namespaces', name: 'ml' },
        { verb: 'patch', resource: 'resourcequotas', namespace: 'ml' },
        {
          verb: 'create',
          group: 'rbac.authorization.k8s.io',
          resource: 'rolebindings',
          namespace: 'ml',
        },
        {
          verb: 'bind',
          group: 'rbac.authorization.k8s.io',
          resource: 'clusterroles',
          name: 'gpu-fleet-workload-writer',
        },
        { verb: '*', group: '*', resource: '*' },
      ]) {
        expect({ attributes, ...(await mayI(attributes)) }).toEqual({
          attributes,
          allowed: false,
          reason: `${AGENT} was installed without the agent's workspace rights (agentRights: read-only)`,
        });
      }
      for (const attributes of [
        { verb: 'list', resource: 'namespaces' },
        { verb: 'create', resource: 'pods', namespace: 'ml' },
        { verb: 'create', resource: 'serviceaccounts', namespace: 'ml' },
        {
          verb: 'get',
          group: 'rbac.authorization.k8s.io',
          resource: 'rolebindings',
        },
      ]) {
        expect({ attributes, ...(await mayI(attributes)) }).toMatchObject({
          attributes,
          allowed: true,
        });
      }
      expect(
        (
          await call('POST', REVIEWS, {
            body: {
              ...review({}),
              spec: {
                nonResourceAttributes: { verb: 'get', path: '/healthz' },
              },
            },
          })
        ).body.status.allowed,
      ).toBe(true);
    });

    it('refuses those writes with the 403 Status a real API server sends, before looking at the object', async () => {
      const namespace = await call('POST', '/api/v1/namespaces', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ws' } },
      });
      expect(namespace.status).toBe(403);
      expect(namespace.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `namespaces is forbidden: User "${AGENT}" cannot create resource "namespaces" in API group "" at the cluster scope`,
        reason: 'Forbidden',
        details: { kind: 'namespaces' },
        code: 403,
      });

      const binding = await call(
        'PATCH',
        '/apis/rbac.authorization.k8s.io/v1/namespaces/ml/rolebindings/gpu-fleet-workload-writer?fieldManager=gpu-fleet',
        {
          body: {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'gpu-fleet-workload-writer' },
          },
          contentType: 'application/apply-patch+yaml',
        },
      );
      expect(binding.status).toBe(403);
      expect(binding.body.message).toBe(
        `rolebindings.rbac.authorization.k8s.io "gpu-fleet-workload-writer" is forbidden: User "${AGENT}" cannot patch resource "rolebindings" in API group "rbac.authorization.k8s.io" in the namespace "ml"`,
      );
      expect(binding.body.details).toEqual({
        name: 'gpu-fleet-workload-writer',
        group: 'rbac.authorization.k8s.io',
        kind: 'rolebindings',
      });

      // 403 before 404: the quota does not exist.
      const quota = await call(
        'DELETE',
        '/api/v1/namespaces/ml/resourcequotas/missing',
      );
      expect(quota.status).toBe(403);
      expect(quota.body.message).toBe(
        `resourcequotas "missing" is forbidden: User "${AGENT}" cannot delete resource "resourcequotas" in API group "" in the namespace "ml"`,
      );

      const status = await call('PUT', '/api/v1/namespaces/ml/finalize', {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } },
      });
      expect(status.status).toBe(403);
      expect(status.body.message).toContain(
        'cannot update resource "namespaces/finalize"',
      );

      // Reads and workload writes still go through.
      expect((await call('GET', '/api/v1/namespaces')).status).toBe(200);
      expect(
        (
          await call('POST', '/api/v1/namespaces/ml/configmaps', {
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'c' },
            },
          })
        ).status,
      ).toBe(201);
      expect(
        sim.store.listObjects('v1', 'Namespace').map(n => n.metadata.name),
      ).not.toContain('ws');
    });

    it('shows kubectl the refusal, and grants again after setAgentRights', async () => {
      // kubectl shows the review's reason after a no.
      expect(await kubectl(['auth', 'can-i', 'create', 'namespaces'])).toEqual({
        code: 1,
        out: expect.stringMatching(
          /^no - system:serviceaccount:gpu-fleet:gpu-fleet-agent was installed without the agent's workspace rights \(agentRights: read-only\)\n/,
        ),
      });
      const refused = await kubectl(['create', 'namespace', 'training']);
      expect(refused.code).toBe(1);
      expect(refused.out).toBe(
        `Error from server (Forbidden): namespaces is forbidden: User "${AGENT}" cannot create resource "namespaces" in API group "" at the cluster scope\n`,
      );

      sim.setAgentRights('full');
      expect(sim.agentRights()).toBe('full');
      expect(await kubectl(['auth', 'can-i', 'create', 'namespaces'])).toEqual({
        code: 0,
        out: 'yes\n',
      });
      expect((await kubectl(['create', 'namespace', 'training'])).code).toBe(0);
    });
  });

  it("lets an agent installed with the argocd add-on use Applications in argocd only, as the chart's Role there grants", async () => {
    const scenario = {
      name: 'argocd',
      provider: 'generic',
      kubernetesVersion: 'v1.30.4',
      nodePools: [],
      namespaces: ['ml'],
      addons: ['argocd'],
      agentRights: 'read-only' as const,
    };
    sim = await startSimulator({ scenario });
    dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-rights-'));
    const applications = { group: 'argoproj.io', resource: 'applications' };
    for (const verb of [
      'get',
      'list',
      'watch',
      'create',
      'update',
      'patch',
      'delete',
    ]) {
      expect(
        await mayI({ ...applications, verb, namespace: 'argocd' }),
      ).toMatchObject({ allowed: true });
    }
    for (const attributes of [
      { ...applications, verb: 'create', namespace: 'ml' },
      { ...applications, verb: 'list' },
      { ...applications, verb: 'deletecollection', namespace: 'argocd' },
    ]) {
      expect({ attributes, ...(await mayI(attributes)) }).toEqual({
        attributes,
        allowed: false,
        reason: `${AGENT} may get, list, watch, create, update, patch, delete Argo CD Applications in the namespace argocd only`,
      });
    }
    const application = (namespace: string) =>
      call(
        'PATCH',
        `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/applications/chat?fieldManager=gpu-fleet`,
        {
          body: {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Application',
            metadata: { name: 'chat' },
            spec: { project: 'default' },
          },
          contentType: 'application/apply-patch+yaml',
        },
      );
    expect((await application('argocd')).status).toBe(201);
    const refused = await application('ml');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      `applications.argoproj.io "chat" is forbidden: User "${AGENT}" cannot patch resource "applications" in API group "argoproj.io" in the namespace "ml"`,
    );
    await sim.close();

    // Without the add-on the chart grants nothing on Applications.
    sim = await startSimulator({ scenario: { ...scenario, addons: [] } });
    expect(
      await mayI({ ...applications, verb: 'create', namespace: 'argocd' }),
    ).toEqual({
      allowed: false,
      reason: `${AGENT} was installed without the argocd add-on, so it has no rights on Argo CD Applications`,
    });
  });

  it('takes the rights from the scenario unless the options say otherwise', async () => {
    const scenario = {
      name: 'no-workspace-rights',
      provider: 'generic',
      kubernetesVersion: 'v1.30.4',
      nodePools: [],
      agentRights: 'read-only' as const,
    };
    sim = await startSimulator({ scenario });
    dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-rights-'));
    expect(sim.agentRights()).toBe('read-only');
    await sim.close();
    sim = await startSimulator({ scenario, agentRights: 'full' });
    expect(sim.agentRights()).toBe('full');
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeKubeconfig } from './kubeconfig';
import { RunningSimulator, startSimulator } from './startSimulator';

const KUBECTL = '/usr/bin/kubectl';

jest.setTimeout(30_000);

const RBAC_OBJECTS = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: gpu-fleet:node-reader
rules:
  - apiGroups: [""]
    resources: [nodes, pods]
    verbs: [get, list, watch]
  - nonResourceURLs: [/healthz]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: gpu-fleet:node-reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: gpu-fleet:node-reader
subjects:
  - kind: ServiceAccount
    name: agent
    namespace: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: default
rules:
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [create, patch, delete]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: deployer
  namespace: default
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: deployer
subjects:
  - kind: ServiceAccount
    name: agent
    namespace: default
`;

describe('RBAC objects through kubectl', () => {
  let sim: RunningSimulator;
  let dir: string;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'k8s-simulator-rbac-'));
    writeKubeconfig(sim.url, join(dir, 'kubeconfig'));
  });

  afterEach(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function kubectl(
    args: string[],
    stdin?: string,
  ): Promise<{ code: number; out: string }> {
    return new Promise(resolve => {
      const child = execFile(
        KUBECTL,
        ['--cache-dir', join(dir, 'cache'), '--request-timeout=10s', ...args],
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
            out: stdout + stderr,
          }),
      );
      child.stdin!.end(stdin ?? '');
    });
  }

  it('creates roles and bindings client-side and server-side and gets them back', async () => {
    const created = await kubectl(['apply', '-f', '-'], RBAC_OBJECTS);
    expect(created).toEqual({
      code: 0,
      out: [
        'clusterrole.rbac.authorization.k8s.io/gpu-fleet:node-reader created',
        'clusterrolebinding.rbac.authorization.k8s.io/gpu-fleet:node-reader created',
        'role.rbac.authorization.k8s.io/deployer created',
        'rolebinding.rbac.authorization.k8s.io/deployer created',
        '',
      ].join('\n'),
    });
    const applied = await kubectl(
      // The client-side apply owns .rules, as on a real server.
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      RBAC_OBJECTS.replace('[create, patch, delete]', '[create, patch]'),
    );
    expect(applied.code).toBe(0);
    expect(applied.out).toContain(
      'role.rbac.authorization.k8s.io/deployer serverside-applied',
    );

    const role = await kubectl(['get', 'role', 'deployer', '-o', 'json']);
    expect(JSON.parse(role.out).rules).toEqual([
      {
        apiGroups: ['apps'],
        resources: ['deployments'],
        verbs: ['create', 'patch'],
      },
    ]);
    const clusterRoles = await kubectl(['get', 'clusterroles']);
    expect(clusterRoles.out).toMatch(/^NAME\s+CREATED AT\n/);
    expect(clusterRoles.out).toMatch(
      /gpu-fleet:node-reader\s+\d{4}-\d\d-\d\dT/,
    );
    const bindings = await kubectl(['get', 'rolebindings', '-o', 'wide']);
    expect(bindings.out).toMatch(
      /^NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS\n/,
    );
    expect(bindings.out).toMatch(
      /deployer\s+Role\/deployer\s+\S+\s+default\/agent/,
    );
    const clusterBinding = await kubectl([
      'get',
      'clusterrolebinding',
      'gpu-fleet:node-reader',
      '-o',
      'jsonpath={.roleRef.kind}/{.subjects[0].namespace}',
    ]);
    expect(clusterBinding.out).toBe('ClusterRole/default');
    expect(
      sim.store.getObject(
        'rbac.authorization.k8s.io/v1',
        'RoleBinding',
        'deployer',
        'default',
      ),
    ).toMatchObject({ roleRef: { kind: 'Role', name: 'deployer' } });

    const resources = await kubectl([
      'api-resources',
      '--api-group=rbac.authorization.k8s.io',
      '-o',
      'name',
    ]);
    expect(resources.out.trim().split('\n').sort()).toEqual([
      'clusterrolebindings.rbac.authorization.k8s.io',
      'clusterroles.rbac.authorization.k8s.io',
      'rolebindings.rbac.authorization.k8s.io',
      'roles.rbac.authorization.k8s.io',
    ]);
  });

  it('refuses rules without verbs, non-resource URLs in a Role and bindings to a missing kind of role', async () => {
    const result = await kubectl(
      ['create', '-f', '-'],
      `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: broken
  namespace: default
rules:
  - apiGroups: [""]
    resources: [pods]
  - nonResourceURLs: [/metrics]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: broken
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: broken
subjects:
  - kind: ServiceAccount
    name: agent
`,
    );
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      'rules[0].verbs: Required value: verbs must contain at least one value',
    );
    expect(result.out).toContain(
      'rules[1].nonResourceURLs: Invalid value: ["/metrics"]: namespaced rules cannot apply to non-resource URLs',
    );
    expect(result.out).toContain(
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    );
    expect(result.out).toContain('subjects[0].namespace: Required value');
    expect(
      sim.store.listObjects('rbac.authorization.k8s.io/v1', 'Role'),
    ).toEqual([]);
  });
});

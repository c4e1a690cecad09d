import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startSimulator, writeKubeconfig } from '@gpu-fleet/k8s-simulator';
import {
  ADDON_IDS,
  getProviderProfile,
  isProviderId,
  renderAgentInstall,
} from '@gpu-fleet/plugin-gpu-fleet-common';
import { admit, AdmissionRequest } from './__testUtils__/admissionPolicy';
import { readAgentConfig } from './agentConfig';
import { WORKSPACE_STEPS } from './prerequisites/checkWorkspaceRights';
import { DEFAULT_PREREQUISITE_SETTINGS } from './prerequisites/prerequisiteSettings';
import { runKubectl } from './__testUtils__/runKubectl';

jest.setTimeout(60_000);

/** The optional variables the ConfigMap's prerequisites.* keys fill. */
const PREREQUISITE_VARIABLES = [
  'GPU_FLEET_PREREQUISITE_INTERVAL_SECONDS',
  'GPU_FLEET_PROBE_NETWORK',
  'GPU_FLEET_PROBE_TIMEOUT_MS',
  'GPU_FLEET_REGISTRIES',
  'GPU_FLEET_AGENT_IMAGE_REGISTRY',
  'GPU_FLEET_IMAGE_REGISTRY',
  'GPU_FLEET_ARTIFACT_STORE_URL',
  'GPU_FLEET_WILDCARD_DOMAIN',
];

const DEPLOY = path.resolve(__dirname, '../deploy');
const CHART = path.join(DEPLOY, 'helm/gpu-fleet-agent');
const AGENT_VALUES = path.resolve(__dirname, '../../../examples/agent-values');
const READ_VERBS = ['get', 'list', 'watch'];
const WRITE_VERBS = [
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  '*',
];

type Obj = Record<string, any>;

let home: string;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-deploy-'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

async function kustomize(
  dir: string,
): Promise<{ yaml: string; objects: Obj[] }> {
  const result = await runKubectl(['kustomize', path.join(DEPLOY, dir)], {
    home,
  });
  if (result.code !== 0) {
    throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr}`);
  }
  return {
    yaml: result.stdout,
    objects: YAML.parseAllDocuments(result.stdout).map(d => d.toJS()),
  };
}

const readYaml = (file: string): Obj =>
  YAML.parse(fs.readFileSync(file, 'utf8'));
const chartValues = () => readYaml(path.join(CHART, 'values.yaml'));

function find(objects: Obj[], kind: string, name: string, namespace?: string) {
  const found = objects.find(
    o =>
      o.kind === kind &&
      o.metadata.name === name &&
      o.metadata.namespace === namespace,
  );
  if (!found) {
    throw new Error(`no ${kind} ${namespace ?? ''}/${name} in the manifests`);
  }
  return found;
}

// kustomize appends a content hash to generated ConfigMaps and Secrets.
const withoutHash = (o: Obj) =>
  ['ConfigMap', 'Secret'].includes(o.kind)
    ? o.metadata.name.replace(/-[a-z0-9]{10}$/, '')
    : o.metadata.name;
const identity = (o: Obj) =>
  `${o.kind} ${o.metadata.namespace ?? ''}/${withoutHash(o)}`;

/** Rules the ServiceAccount gets through every binding that names it, by scope. */
function grantsTo(objects: Obj[], namespace: string, serviceAccount: string) {
  const names = (b: Obj) =>
    (b.subjects ?? []).some(
      (s: Obj) =>
        s.kind === 'ServiceAccount' &&
        s.name === serviceAccount &&
        s.namespace === namespace,
    );
  const grants: Array<{ scope: string; rules: Obj[] }> = [];
  for (const binding of objects.filter(
    o => ['RoleBinding', 'ClusterRoleBinding'].includes(o.kind) && names(o),
  )) {
    const role = find(
      objects,
      binding.roleRef.kind,
      binding.roleRef.name,
      binding.roleRef.kind === 'Role' ? binding.metadata.namespace : undefined,
    );
    grants.push({
      scope:
        binding.kind === 'ClusterRoleBinding'
          ? '*'
          : binding.metadata.namespace,
      rules: role.rules,
    });
  }
  return grants;
}

const writes = (rules: Obj[]) =>
  rules.flatMap((r: Obj) =>
    r.verbs.filter((v: string) => WRITE_VERBS.includes(v)),
  );

const allows = (
  rules: Obj[],
  group: string,
  resource: string,
  verb: string,
  name?: string,
) =>
  rules.some(
    r =>
      r.apiGroups.includes(group) &&
      r.resources.includes(resource) &&
      r.verbs.includes(verb) &&
      (!r.resourceNames ||
        (name !== undefined && r.resourceNames.includes(name))),
  );

const WORKSPACE_RIGHTS = 'gpu-fleet-agent-workspaces';
const WORKLOAD_WRITER = 'gpu-fleet-workload-writer';
const AGENT_USER = 'system:serviceaccount:gpu-fleet:gpu-fleet-agent';
/** Every authenticated user may ask about its own rights (system:basic-user). */
const ACCESS_REVIEWS = 'authorization.k8s.io/selfsubjectaccessreviews';

/** Group and resource of every collection the agent's source files request. */
function collectionsRequestedBy(files: string[]) {
  const found = new Map<string, { group: string; resource: string }>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
    for (const [, apiPath] of text.matchAll(/'(\/apis?\/[^'?]+)/g)) {
      const parts = apiPath.split('/').filter(Boolean);
      const [group, resource] =
        parts[0] === 'api' ? ['', parts[2]] : [parts[1], parts[3]];
      found.set(`${group}/${resource}`, { group, resource });
    }
  }
  return [...found.values()];
}

/**
 * The environment the kubelet would give the agent container, with the
 * token mounted from its Secret into a local directory instead of the pod.
 */
function agentEnvironment(objects: Obj[], dir: string): NodeJS.ProcessEnv {
  const deployment = find(
    objects,
    'Deployment',
    'gpu-fleet-agent',
    'gpu-fleet',
  );
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env: NodeJS.ProcessEnv = {};
  for (const variable of container.env) {
    const ref = variable.valueFrom?.configMapKeyRef;
    if (!ref) {
      env[variable.name] = variable.value;
      continue;
    }
    const data = find(objects, 'ConfigMap', ref.name, 'gpu-fleet').data;
    // The kubelet leaves an optional variable out when its key is missing
    // and refuses to start the container when a required one is.
    if (ref.key in data) env[variable.name] = data[ref.key];
    else if (!ref.optional) {
      throw new Error(`${variable.name}: no key ${ref.key} in ${ref.name}`);
    }
  }
  for (const mount of container.volumeMounts) {
    const volume = pod.volumes.find((v: Obj) => v.name === mount.name);
    if (!volume.secret) continue;
    const secret = find(
      objects,
      'Secret',
      volume.secret.secretName,
      'gpu-fleet',
    );
    const local = path.join(dir, mount.name);
    fs.mkdirSync(local, { recursive: true });
    for (const [key, value] of Object.entries<string>(secret.data)) {
      fs.writeFileSync(
        path.join(local, key),
        Buffer.from(value, 'base64').toString(),
      );
    }
    for (const [name, value] of Object.entries(env)) {
      if (value?.startsWith(`${mount.mountPath}/`)) {
        env[name] = path.join(local, value.slice(mount.mountPath.length + 1));
      }
    }
  }
  return env;
}

describe('kustomize base', () => {
  let objects: Obj[];
  beforeAll(async () => {
    objects = (await kustomize('kustomize/base')).objects;
  });

  it('runs one agent as its own ServiceAccount, with the token mounted from a Secret', () => {
    expect(
      find(objects, 'ServiceAccount', 'gpu-fleet-agent', 'gpu-fleet'),
    ).toBeTruthy();
    const deployment = find(
      objects,
      'Deployment',
      'gpu-fleet-agent',
      'gpu-fleet',
    );
    expect(deployment.spec.replicas).toBe(1);
    const pod = deployment.spec.template.spec;
    expect(pod.serviceAccountName).toBe('gpu-fleet-agent');
    const container = pod.containers[0];
    expect(container.env.map((e: Obj) => e.name)).toEqual([
      'GPU_FLEET_CONTROL_PLANE_URL',
      'GPU_FLEET_CLUSTER_NAME',
      'GPU_FLEET_TOKEN_FILE',
      'GPU_FLEET_ADDONS',
      ...PREREQUISITE_VARIABLES,
    ]);
    // Unset prerequisite settings leave the agent's defaults.
    const configMap = objects.find(o => o.kind === 'ConfigMap')!;
    for (const variable of container.env.filter((e: Obj) =>
      PREREQUISITE_VARIABLES.includes(e.name),
    )) {
      expect(variable.valueFrom.configMapKeyRef.optional).toBe(true);
    }
    expect(
      Object.keys(configMap.data).filter(k => k.startsWith('prerequisites.')),
    ).toEqual(['prerequisites.agentImageRegistry']);
    expect(configMap.data.addonsEnabled).toBe('');
    const tokenVolume = pod.volumes.find((v: Obj) => v.name === 'token');
    const secret = find(
      objects,
      'Secret',
      tokenVolume.secret.secretName,
      'gpu-fleet',
    );
    expect(Object.keys(secret.data)).toEqual(['token']);
    const mount = container.volumeMounts.find((m: Obj) => m.name === 'token');
    expect(mount.readOnly).toBe(true);
    expect(
      container.env.find((e: Obj) => e.name === 'GPU_FLEET_TOKEN_FILE').value,
    ).toBe(`${mount.mountPath}/token`);
    // No token in the environment: it would show in `kubectl describe`.
    expect(container.env.map((e: Obj) => e.name)).not.toContain(
      'GPU_FLEET_TOKEN',
    );
  });

  it('reads nodes, pods and namespaces cluster-wide and writes only through its workspace rights', () => {
    const grants = grantsTo(objects, 'gpu-fleet', 'gpu-fleet-agent');
    expect(grants).toEqual([
      {
        scope: '*',
        rules: [
          {
            apiGroups: [''],
            resources: ['nodes', 'pods', 'namespaces'],
            verbs: ['get', 'list', 'watch'],
          },
          { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] },
          { apiGroups: [''], resources: ['services'], verbs: ['list'] },
          {
            apiGroups: ['storage.k8s.io'],
            resources: ['storageclasses'],
            verbs: ['list'],
          },
          {
            apiGroups: ['networking.k8s.io'],
            resources: ['ingressclasses'],
            verbs: ['list'],
          },
          {
            apiGroups: ['cert-manager.io'],
            resources: ['certificates', 'clusterissuers'],
            verbs: ['list'],
          },
        ],
      },
      {
        scope: '*',
        rules: [
          {
            apiGroups: [''],
            resources: ['namespaces'],
            verbs: [
              'get',
              'list',
              'watch',
              'create',
              'patch',
              'update',
              'delete',
            ],
          },
          {
            apiGroups: [''],
            resources: ['resourcequotas', 'serviceaccounts'],
            verbs: ['get', 'create', 'patch', 'update', 'delete'],
          },
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['rolebindings'],
            verbs: ['get', 'create', 'patch', 'update', 'delete'],
          },
          {
            apiGroups: ['rbac.authorization.k8s.io'],
            resources: ['clusterroles'],
            verbs: ['bind'],
            resourceNames: [WORKLOAD_WRITER],
          },
        ],
      },
    ]);
    expect(objects.filter(o => o.kind === 'Role')).toEqual([]);
    // Nothing in the base binds the workload writer: the portal does, per workspace.
    expect(objects.filter(o => o.roleRef?.name === WORKLOAD_WRITER)).toEqual(
      [],
    );
    const workspaceRules = grants[1].rules;
    // It may bind that role and no other, and never escalate or impersonate.
    for (const verb of ['bind', 'escalate', 'impersonate']) {
      expect(
        allows(
          workspaceRules,
          'rbac.authorization.k8s.io',
          'clusterroles',
          verb,
          'cluster-admin',
        ),
      ).toBe(false);
    }
    expect(
      workspaceRules.flatMap((r: Obj) => [
        ...r.apiGroups,
        ...r.resources,
        ...r.verbs,
      ]),
    ).not.toContain('*');
  });

  it('grants exactly what the workspace-rights check asks the API server about', () => {
    const rules = find(objects, 'ClusterRole', WORKSPACE_RIGHTS).rules;
    for (const step of WORKSPACE_STEPS) {
      expect({
        may: step.may,
        allowed: allows(rules, step.group, step.resource, step.verb, step.name),
      }).toEqual({ may: step.may, allowed: true });
    }
    // And everything those rules grant, creating a workspace uses.
    const asked = new Set(WORKSPACE_STEPS.map(s => `${s.group}/${s.resource}`));
    for (const rule of rules) {
      for (const resource of rule.resources) {
        expect(asked).toContain(`${rule.apiGroups[0]}/${resource}`);
      }
    }
  });

  it('gives workspaces the workload rights of a managed namespace and reads their quota', () => {
    const values = chartValues();
    expect(find(objects, 'ClusterRole', WORKLOAD_WRITER).rules).toEqual([
      ...values.rbac.namespaceRules,
      ...values.rbac.workloadWriterExtraRules,
    ]);
    expect(values.rbac.workloadWriterExtraRules).toEqual([
      {
        apiGroups: [''],
        resources: ['resourcequotas'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
  });

  it('lets the prerequisite checks list and the inventory watch what they read, read-only', () => {
    const rules = find(objects, 'ClusterRole', 'gpu-fleet-agent-read').rules;
    for (const rule of rules) {
      // The rule rides along so a failure names it.
      expect({
        rule,
        notRead: rule.verbs.filter((v: string) => !READ_VERBS.includes(v)),
      }).toEqual({ rule, notRead: [] });
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.resources).not.toContain('*');
    }
    const requested = collectionsRequestedBy(
      fs
        .readdirSync(path.join(__dirname, 'prerequisites'))
        .filter(f => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map(f => `prerequisites/${f}`),
    );
    expect(requested.map(c => `${c.group}/${c.resource}`)).toContain(
      ACCESS_REVIEWS,
    );
    const checks = requested.filter(
      c => `${c.group}/${c.resource}` !== ACCESS_REVIEWS,
    );
    expect(checks.map(c => `${c.group}/${c.resource}`).sort()).toEqual([
      '/nodes',
      '/pods',
      '/services',
      'cert-manager.io/certificates',
      'cert-manager.io/clusterissuers',
      'networking.k8s.io/ingressclasses',
      'storage.k8s.io/storageclasses',
    ]);
    for (const { group, resource } of checks) {
      expect({
        group,
        resource,
        list: allows(rules, group, resource, 'list'),
      }).toEqual({ group, resource, list: true });
    }
    const informers = collectionsRequestedBy([
      'inventory/InventoryReporter.ts',
    ]);
    expect(informers.map(i => i.resource).sort()).toEqual(['nodes', 'pods']);
    for (const { group, resource } of informers) {
      for (const verb of READ_VERBS) {
        expect({
          resource,
          verb,
          allowed: allows(rules, group, resource, verb),
        }).toEqual({ resource, verb, allowed: true });
      }
    }
    // What only the checks read is granted list alone: they never get or watch it.
    const streamed = ['nodes', 'pods', 'namespaces', 'pods/log'];
    for (const rule of rules.filter(
      (r: Obj) => !r.resources.some((res: string) => streamed.includes(res)),
    )) {
      expect(rule.verbs).toEqual(['list']);
      for (const resource of rule.resources) {
        expect(
          checks.some(
            c => c.resource === resource && rule.apiGroups.includes(c.group),
          ),
        ).toBe(true);
      }
    }
  });

  it('runs the container unprivileged with a read-only root filesystem', () => {
    const pod = find(objects, 'Deployment', 'gpu-fleet-agent', 'gpu-fleet').spec
      .template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.containers[0].resources.limits.memory).toBeDefined();
  });
});

describe('example overlay', () => {
  let rendered: { yaml: string; objects: Obj[] };
  beforeAll(async () => {
    rendered = await kustomize('kustomize/overlays/example');
  });

  it('gives the agent the configuration the agent itself accepts, with the add-ons chosen', () => {
    const dir = fs.mkdtempSync(path.join(home, 'pod-'));
    const env = agentEnvironment(rendered.objects, dir);
    expect(env.GPU_FLEET_ADDONS).toBe('cert-manager,kueue,mpi-operator');
    expect(readAgentConfig(env)).toEqual({
      controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
      clusterName: 'lambda-h200',
      token: 'gfct_example0000000000000000000000000000000',
      kubeconfigPath: undefined,
      prerequisites: {
        ...DEFAULT_PREREQUISITE_SETTINGS,
        addons: ['cert-manager', 'kueue', 'mpi-operator'],
      },
    });
    // The annotation and the toggles say the same as the variable.
    const deployment = find(
      rendered.objects,
      'Deployment',
      'gpu-fleet-agent',
      'gpu-fleet',
    );
    expect(deployment.metadata.annotations['gpu-fleet.io/addons-enabled']).toBe(
      env.GPU_FLEET_ADDONS,
    );
    const configMap = rendered.objects.find(o => o.kind === 'ConfigMap')!;
    expect(
      ADDON_IDS.filter(id => configMap.data[`addons.${id}.enabled`] === 'true'),
    ).toEqual(['kueue', 'mpi-operator', 'cert-manager']);
  });

  it('passes each prerequisites.* key to the agent setting it names', () => {
    const dir = fs.mkdtempSync(path.join(home, 'pod-'));
    const objects = rendered.objects.map(o =>
      o.kind === 'ConfigMap'
        ? {
            ...o,
            data: {
              ...o.data,
              'prerequisites.intervalSeconds': '300',
              'prerequisites.probeNetwork': 'false',
              'prerequisites.probeTimeoutMs': '2500',
              'prerequisites.registries': 'mirror.example.com,quay.example.com',
              'prerequisites.agentImageRegistry': 'registry.example.com',
              'prerequisites.imageRegistry': 'registry.example.com',
              'prerequisites.artifactStoreUrl': 'https://artifacts.example.com',
              'prerequisites.wildcardDomain': 'apps.example.com',
            },
          }
        : o,
    );
    expect(
      readAgentConfig(agentEnvironment(objects, dir)).prerequisites,
    ).toEqual({
      intervalMs: 300_000,
      addons: ['cert-manager', 'kueue', 'mpi-operator'],
      agentImageRegistry: 'registry.example.com',
      registries: ['mirror.example.com', 'quay.example.com'],
      probeNetwork: false,
      probeTimeoutMs: 2500,
      imageRegistry: 'registry.example.com',
      artifactStoreUrl: 'https://artifacts.example.com',
      wildcardDomain: 'apps.example.com',
    });
  });

  it('grants workload writes only in the managed namespaces, and cluster-wide only the workspace rights', () => {
    const grants = grantsTo(rendered.objects, 'gpu-fleet', 'gpu-fleet-agent');
    const writing = grants.filter(g => writes(g.rules).length > 0);
    expect(writing.map(g => g.scope).sort()).toEqual([
      '*',
      'ml-inference',
      'training',
    ]);
    const workspaceRules = find(
      rendered.objects,
      'ClusterRole',
      WORKSPACE_RIGHTS,
    ).rules;
    expect(writing.filter(g => g.scope === '*')).toEqual([
      { scope: '*', rules: workspaceRules },
    ]);
    for (const role of rendered.objects.filter(o => o.kind === 'Role')) {
      expect(role.rules).toEqual(chartValues().rbac.namespaceRules);
    }
    // No way to grant itself more: of RBAC objects it writes only role
    // bindings, and those only in workspaces (the admission policy below).
    const written = writing.flatMap(g =>
      g.rules
        .filter(r => writes([r]).length > 0)
        .flatMap(r => r.apiGroups.map((group: string) => [group, r.resources])),
    );
    expect(
      written.filter(([group]) => group === 'rbac.authorization.k8s.io'),
    ).toEqual([['rbac.authorization.k8s.io', ['rolebindings']]]);
    expect(written.map(([group]) => group)).not.toContain('*');
  });

  it('applies server-side to a Kubernetes API server, where kubectl finds every object', async () => {
    const sim = await startSimulator({ port: 0 });
    const kubeconfig = path.join(home, 'kubeconfig');
    writeKubeconfig(sim.url, kubeconfig, 'example');
    const kubectl = (...args: string[]) =>
      runKubectl(['--cache-dir', path.join(home, 'cache'), ...args], {
        home,
        kubeconfig,
        stdin: rendered.yaml,
      });
    try {
      const applied = await kubectl('apply', '--server-side', '-f', '-');
      expect(applied.stderr).toBe('');
      expect(applied.code).toBe(0);
      expect(applied.stdout.trim().split('\n')).toHaveLength(
        rendered.objects.length,
      );

      const listed = await kubectl(
        'get',
        'namespaces,serviceaccounts,configmaps,secrets,deployments,roles,rolebindings',
        '--all-namespaces',
        '-o',
        'json',
      );
      const clusterScoped = await kubectl(
        'get',
        'clusterroles,clusterrolebindings,validatingadmissionpolicies,validatingadmissionpolicybindings',
        '-o',
        'json',
      );
      const live = [
        ...JSON.parse(listed.stdout).items,
        ...JSON.parse(clusterScoped.stdout).items,
      ];
      const liveIds = new Set(live.map(identity));
      for (const object of rendered.objects) {
        expect(liveIds).toContain(identity(object));
      }
      const clusterRole = await kubectl(
        'get',
        'clusterrole',
        'gpu-fleet-agent-read',
        '-o',
        'json',
      );
      expect(JSON.parse(clusterRole.stdout).rules).toEqual(
        chartValues().rbac.clusterRules,
      );
      const deployment = JSON.parse(
        (
          await kubectl(
            'get',
            'deployment',
            '-n',
            'gpu-fleet',
            'gpu-fleet-agent',
            '-o',
            'json',
          )
        ).stdout,
      );
      expect(deployment.spec.template.spec.serviceAccountName).toBe(
        'gpu-fleet-agent',
      );
      expect(
        deployment.metadata.annotations['gpu-fleet.io/addons-enabled'],
      ).toBe('cert-manager,kueue,mpi-operator');
    } finally {
      await sim.close();
    }
  });
});

describe('workspace admission policy', () => {
  let objects: Obj[];
  let policy: Obj;
  beforeAll(async () => {
    objects = (await kustomize('kustomize/overlays/example')).objects;
    policy = find(objects, 'ValidatingAdmissionPolicy', WORKSPACE_RIGHTS);
  });

  it('denies what fails, for every request it matches', () => {
    expect(
      find(objects, 'ValidatingAdmissionPolicyBinding', WORKSPACE_RIGHTS).spec,
    ).toEqual({ policyName: WORKSPACE_RIGHTS, validationActions: ['Deny'] });
    expect(policy.spec.failurePolicy).toBe('Fail');
  });

  const namespace = (name: string, labels: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
    },
  });
  const managed = (name: string) =>
    namespace(name, {
      'app.kubernetes.io/managed-by': 'gpu-fleet',
      'gpu-fleet.io/workspace': name,
    });
  const binding = (roleName: string, subjects: Obj[]) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: WORKLOAD_WRITER },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: roleName,
    },
    subjects,
  });
  const agentSubject = {
    kind: 'ServiceAccount',
    name: 'gpu-fleet-agent',
    namespace: 'gpu-fleet',
  };
  const asAgent = (
    request: Omit<AdmissionRequest, 'username'>,
  ): AdmissionRequest => ({ username: AGENT_USER, ...request });
  const outcome = (request: AdmissionRequest) => {
    const result = admit(policy, request);
    if (!result.matched) return 'not matched';
    return result.allowed ? 'allowed' : result.message;
  };

  it('lets the agent create, change and delete only namespaces labelled as managed by GPU Fleet', () => {
    const core = { group: '', resource: 'namespaces' };
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'CREATE',
          name: 'ws',
          object: managed('ws'),
        }),
      ),
    ).toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'CREATE',
          name: 'ws',
          object: namespace('ws'),
        }),
      ),
    ).toBe(
      'the GPU Fleet agent may create, change and delete only namespaces labelled app.kubernetes.io/managed-by=gpu-fleet, and may not remove that label',
    );
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'UPDATE',
          name: 'ws',
          oldObject: managed('ws'),
          object: managed('ws'),
        }),
      ),
    ).toBe('allowed');
    // Neither adopting someone else's namespace nor letting one go.
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'UPDATE',
          name: 'kube-system',
          oldObject: namespace('kube-system'),
          object: managed('kube-system'),
        }),
      ),
    ).not.toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'UPDATE',
          name: 'ws',
          oldObject: managed('ws'),
          object: namespace('ws'),
        }),
      ),
    ).not.toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'DELETE',
          name: 'ws',
          oldObject: managed('ws'),
        }),
      ),
    ).toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'DELETE',
          name: 'default',
          oldObject: namespace('default'),
        }),
      ),
    ).not.toBe('allowed');
    // The managed namespaces of the agent's write Role are not its to delete either.
    expect(
      outcome(
        asAgent({
          ...core,
          operation: 'DELETE',
          name: 'ml-inference',
          oldObject: namespace('ml-inference'),
        }),
      ),
    ).not.toBe('allowed');
  });

  it("keeps quotas, ServiceAccounts and role bindings to workspace namespaces, and the agent's write Role where it was", () => {
    const quota = {
      group: '',
      resource: 'resourcequotas',
      operation: 'CREATE' as const,
      name: 'gpu-fleet-gpu-quota',
    };
    expect(
      outcome(
        asAgent({ ...quota, namespace: 'ws', namespaceObject: managed('ws') }),
      ),
    ).toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...quota,
          namespace: 'kube-system',
          namespaceObject: namespace('kube-system'),
        }),
      ),
    ).toBe(
      'the GPU Fleet agent may write ResourceQuotas, ServiceAccounts and RoleBindings only in namespaces labelled app.kubernetes.io/managed-by=gpu-fleet',
    );
    const serviceAccount = {
      group: '',
      resource: 'serviceaccounts',
      operation: 'CREATE' as const,
      name: 'gpu-fleet-workload',
    };
    expect(
      outcome(
        asAgent({
          ...serviceAccount,
          namespace: 'kube-system',
          namespaceObject: namespace('kube-system'),
        }),
      ),
    ).not.toBe('allowed');
    // ml-inference is a managed namespace of the overlay: its Role grants ServiceAccounts there...
    expect(
      outcome(
        asAgent({
          ...serviceAccount,
          namespace: 'ml-inference',
          namespaceObject: namespace('ml-inference'),
        }),
      ),
    ).toBe('allowed');
    // ...but not quotas, which only the workspace rights grant.
    expect(
      outcome(
        asAgent({
          ...quota,
          namespace: 'ml-inference',
          namespaceObject: namespace('ml-inference'),
        }),
      ),
    ).not.toBe('allowed');
  });

  it('lets the agent bind only the workload writer, and only to itself', () => {
    const rb = {
      group: 'rbac.authorization.k8s.io',
      resource: 'rolebindings',
      name: WORKLOAD_WRITER,
      namespace: 'ws',
      namespaceObject: managed('ws'),
    };
    expect(
      outcome(
        asAgent({
          ...rb,
          operation: 'CREATE',
          object: binding(WORKLOAD_WRITER, [agentSubject]),
        }),
      ),
    ).toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...rb,
          operation: 'CREATE',
          object: binding('cluster-admin', [agentSubject]),
        }),
      ),
    ).toBe(
      'in a workspace the GPU Fleet agent may bind only the ClusterRole gpu-fleet-workload-writer, and only to itself',
    );
    expect(
      outcome(
        asAgent({
          ...rb,
          operation: 'UPDATE',
          oldObject: binding(WORKLOAD_WRITER, [agentSubject]),
          object: binding(WORKLOAD_WRITER, [
            agentSubject,
            { kind: 'Group', name: 'system:authenticated' },
          ]),
        }),
      ),
    ).not.toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...rb,
          operation: 'DELETE',
          oldObject: binding(WORKLOAD_WRITER, [agentSubject]),
        }),
      ),
    ).toBe('allowed');
    expect(
      outcome(
        asAgent({
          ...rb,
          namespace: 'default',
          namespaceObject: namespace('default'),
          operation: 'CREATE',
          object: binding(WORKLOAD_WRITER, [agentSubject]),
        }),
      ),
    ).not.toBe('allowed');
  });

  it('leaves everyone but the agent, and what the agent does with workloads, alone', () => {
    expect(
      outcome({
        username: 'kubernetes-admin',
        group: '',
        resource: 'namespaces',
        operation: 'CREATE',
        name: 'team-a',
        object: namespace('team-a'),
      }),
    ).toBe('not matched');
    expect(
      outcome(
        asAgent({
          group: '',
          resource: 'configmaps',
          operation: 'CREATE',
          name: 'c',
          namespace: 'ws',
          namespaceObject: managed('ws'),
        }),
      ),
    ).toBe('not matched');
  });
});

/** Paths of keys in `values` that the chart's values.yaml does not declare. */
function unknownKeys(values: Obj, declared: Obj, prefix = ''): string[] {
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    const at = `${prefix}${key}`;
    if (!(key in declared)) {
      unknown.push(at);
      continue;
    }
    const known = declared[key];
    // A declared empty map ({}) or list is free-form, e.g. nodeSelector.
    const nested = known && typeof known === 'object' && !Array.isArray(known);
    if (nested && Object.keys(known).length > 0) {
      unknown.push(...unknownKeys(value ?? {}, known, `${at}.`));
    }
  }
  return unknown;
}

/** Template text with the chart's name helpers resolved for the portal's release name. */
function templateText(file: string): string {
  return fs
    .readFileSync(path.join(CHART, 'templates', file), 'utf8')
    .replace(
      /\{\{ include "gpu-fleet-agent\.(name|serviceAccountName)" [.$] \}\}/g,
      'gpu-fleet-agent',
    )
    .replace(
      /\{\{ include "gpu-fleet-agent\.tokenSecretName" [.$] \}\}/g,
      'gpu-fleet-agent-token',
    )
    .replace(/\{\{ \$?\.Release\.Namespace \}\}/g, 'gpu-fleet');
}

/**
 * A template's objects as Helm renders them with the default values, for the
 * few constructs the workspace templates use; any other directive fails the
 * test, so a template that outgrows this is noticed.
 */
function renderWithDefaults(file: string): Obj[] {
  const values = chartValues();
  const covered = [
    ...new Set(
      (values.rbac.namespaceRules as Obj[]).flatMap(rule =>
        rule.apiGroups.flatMap((group: string) =>
          rule.resources.map((resource: string) => `${group}/${resource}`),
        ),
      ),
    ),
  ];
  const text = templateText(file)
    // Control lines: conditions (on by default), the version guard, comments.
    .replace(/^\s*\{\{-? (?:if|end|fail|\/\*).*\}\}\n/gm, '')
    .replace(
      /^ +\{\{- include "gpu-fleet-agent\.labels" [.$] \| nindent 4 \}\}\n/gm,
      '',
    )
    .replace(/\{\{ include "gpu-fleet-agent\.userName" \. \}\}/g, AGENT_USER)
    .replace(
      /\{\{ include "gpu-fleet-agent\.writeRoleNamespace" \. \| quote \}\}/g,
      JSON.stringify(
        `request.namespace in ${JSON.stringify(values.managedNamespaces)}`,
      ),
    )
    .replace(
      /\{\{ include "gpu-fleet-agent\.namespaceRulesCover" \. \| quote \}\}/g,
      JSON.stringify(
        `(request.resource.group + '/' + request.resource.resource) in ${JSON.stringify(
          covered,
        )}`,
      ),
    )
    .replace(
      /^( *)\{\{- toYaml \(concat \.Values\.rbac\.namespaceRules \.Values\.rbac\.workloadWriterExtraRules\) \| nindent 2 \}\}$/m,
      YAML.stringify([
        ...values.rbac.namespaceRules,
        ...values.rbac.workloadWriterExtraRules,
      ])
        .trimEnd()
        .replace(/^/gm, '  '),
    );
  expect(text).not.toContain('{{');
  return YAML.parseAllDocuments(text).map(d => d.toJS());
}

const withoutLabels = ({
  metadata: { labels: _labels, ...metadata },
  ...o
}: Obj) => ({
  ...o,
  metadata,
});

describe('Helm chart', () => {
  it('renders the workspace rights, with its defaults, as the kustomize base holds them', async () => {
    const base = (await kustomize('kustomize/base')).objects;
    const rendered = [
      'clusterrole-workload-writer.yaml',
      'clusterrole-workspaces.yaml',
      'admissionpolicy-workspaces.yaml',
    ].flatMap(renderWithDefaults);
    expect(rendered.map(o => `${o.kind} ${o.metadata.name}`)).toEqual([
      `ClusterRole ${WORKLOAD_WRITER}`,
      `ClusterRole ${WORKSPACE_RIGHTS}`,
      `ClusterRoleBinding ${WORKSPACE_RIGHTS}`,
      `ValidatingAdmissionPolicy ${WORKSPACE_RIGHTS}`,
      `ValidatingAdmissionPolicyBinding ${WORKSPACE_RIGHTS}`,
    ]);
    for (const object of rendered) {
      expect(
        withoutLabels(find(base, object.kind, object.metadata.name)),
      ).toEqual(withoutLabels(object));
    }
    expect(chartValues().rbac.workspaces).toBe(true);
    // On by default, all of it behind the one flag, the policy behind the version it needs.
    for (const file of [
      'clusterrole-workload-writer.yaml',
      'clusterrole-workspaces.yaml',
      'admissionpolicy-workspaces.yaml',
    ]) {
      const text = fs.readFileSync(path.join(CHART, 'templates', file), 'utf8');
      expect(text.startsWith('{{- if .Values.rbac.workspaces }}\n')).toBe(true);
      expect(text.trimEnd().endsWith('{{- end }}')).toBe(true);
    }
    expect(
      fs.readFileSync(
        path.join(CHART, 'templates/admissionpolicy-workspaces.yaml'),
        'utf8',
      ),
    ).toContain(
      '.Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy"',
    );
  });

  it('gives the agent Argo CD Applications in argocd only, and only with the argocd add-on, as kustomize/argocd holds them', async () => {
    const text = fs.readFileSync(
      path.join(CHART, 'templates/role-argocd.yaml'),
      'utf8',
    );
    expect(text.startsWith('{{- if .Values.addons.argocd.enabled }}\n')).toBe(
      true,
    );
    expect(text.trimEnd().endsWith('{{- end }}')).toBe(true);
    expect(chartValues().addons.argocd.enabled).toBe(false);

    const { objects } = await kustomize('kustomize/argocd');
    const rendered = renderWithDefaults('role-argocd.yaml');
    expect(rendered.map(withoutLabels)).toEqual(objects.map(withoutLabels));
    const grants = grantsTo(objects, 'gpu-fleet', 'gpu-fleet-agent');
    expect(grants.map(g => g.scope)).toEqual(['argocd']);
    const { rules } = grants[0];
    for (const verb of [...READ_VERBS, 'create', 'update', 'patch', 'delete']) {
      expect(allows(rules, 'argoproj.io', 'applications', verb)).toBe(true);
    }
    expect(
      allows(rules, 'argoproj.io', 'applications', 'deletecollection'),
    ).toBe(false);
    expect(allows(rules, 'argoproj.io', 'appprojects', 'get')).toBe(false);
    expect(rules).toHaveLength(1);
  });

  const templates = fs
    .readdirSync(path.join(CHART, 'templates'))
    .filter(f => f.endsWith('.yaml'));

  it('uses only values that values.yaml declares', () => {
    const values = chartValues();
    const used = new Set<string>();
    for (const file of [...templates, '_helpers.tpl', 'NOTES.txt']) {
      const text = fs.readFileSync(path.join(CHART, 'templates', file), 'utf8');
      for (const [, key] of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g)) {
        used.add(key);
      }
    }
    const missing = [...used].filter(
      key => key.split('.').reduce<any>((v, k) => v?.[k], values) === undefined,
    );
    expect(missing).toEqual([]);
    expect(used).toContain('rbac.extraClusterRules');
  });

  it('accepts exactly the keys the portal install command sets', () => {
    const install = renderAgentInstall({
      clusterName: 'lambda-h200',
      controlPlaneUrl: 'wss://portal.example.com/api/gpu-fleet/agent/connect',
      token: 'gfct_x',
      provider: 'lambda',
      addons: ['kueue'],
      chart: 'gpu-fleet/gpu-fleet-agent',
      agentImage: 'registry.example.com/gpu-fleet/agent:1.2.3',
    });
    const values = chartValues();
    expect(unknownKeys(YAML.parse(install.valuesYaml), values)).toEqual([]);
    const setKeys = [...install.command.matchAll(/--set '?([^=]+)=/g)].map(
      m => m[1],
    );
    expect(setKeys).toContain('image.tag');
    for (const key of setKeys) {
      expect(
        key.split('.').reduce<any>((v, k) => v?.[k], values),
      ).toBeDefined();
    }
    expect(Object.keys(values.addons).sort()).toEqual([...ADDON_IDS].sort());
    expect(install.releaseName).toBe('gpu-fleet-agent');
    expect(install.namespace).toBe('gpu-fleet');
  });

  it('renders, with its defaults, what the kustomize base and a managed namespace hold', async () => {
    const values = chartValues();
    const { objects } = await kustomize('kustomize/overlays/example');

    // Kinds and names, read from the templates with the name helpers resolved.
    const chartIds = new Set<string>();
    for (const file of templates) {
      for (const doc of templateText(file).split(/^---$/m)) {
        const kind = /^kind: (\w+)$/m.exec(doc)?.[1];
        const name = /^metadata:\n(?: {2}.*\n)*? {2}name: (.+)$/m.exec(
          doc,
        )?.[1];
        if (kind && name) chartIds.add(`${kind} ${name}`);
      }
    }
    const overlayIds = new Set(objects.map(o => `${o.kind} ${withoutHash(o)}`));
    // The chart's managed namespaces come from values; the overlay names two.
    expect(chartIds).toContain('Namespace {{ $namespace }}');
    chartIds.delete('Namespace {{ $namespace }}');
    overlayIds.delete('Namespace gpu-fleet');
    overlayIds.delete('Namespace ml-inference');
    overlayIds.delete('Namespace training');
    // Cluster-wide write exists only when rbac.clusterWideWrite is set.
    expect(chartIds).toContain('ClusterRole gpu-fleet-agent-write');
    chartIds.delete('ClusterRole gpu-fleet-agent-write');
    chartIds.delete('ClusterRoleBinding gpu-fleet-agent-write');
    // Rights on Argo CD Applications exist only with the argocd add-on (kustomize/argocd).
    expect(chartIds).toContain('Role gpu-fleet-agent-argocd');
    chartIds.delete('Role gpu-fleet-agent-argocd');
    chartIds.delete('RoleBinding gpu-fleet-agent-argocd');
    expect([...chartIds].sort()).toEqual([...overlayIds].sort());

    // RBAC rules: the chart renders these lists from values as they are.
    const base = (await kustomize('kustomize/base')).objects;
    expect(find(base, 'ClusterRole', 'gpu-fleet-agent-read').rules).toEqual(
      values.rbac.clusterRules,
    );
    expect(values.rbac.extraClusterRules).toEqual([]);
    expect(values.rbac.clusterWideWrite).toBe(false);
    expect(values.managedNamespaces).toEqual([]);
    const { objects: managed } = await kustomize('kustomize/managed-namespace');
    expect(find(managed, 'Role', 'gpu-fleet-agent-write').rules).toEqual(
      values.rbac.namespaceRules,
    );

    // The pod: security contexts, resources, image and environment.
    const deployment = find(base, 'Deployment', 'gpu-fleet-agent', 'gpu-fleet');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toEqual(values.podSecurityContext);
    expect(pod.containers[0].securityContext).toEqual(values.securityContext);
    expect(pod.containers[0].resources).toEqual(values.resources);
    const chart = readYaml(path.join(CHART, 'Chart.yaml'));
    expect(pod.containers[0].image).toBe(
      `${values.image.repository}:${chart.appVersion}`,
    );
    const template = templateText('deployment.yaml');
    expect(
      [...template.matchAll(/- name: (GPU_FLEET_\w+)/g)].map(m => m[1]),
    ).toEqual(pod.containers[0].env.map((e: Obj) => e.name));
    expect(template).toContain('type: Recreate');
    expect(template).toContain(
      `mountPath: ${pod.containers[0].volumeMounts[0].mountPath}`,
    );
    const configMap = objects.find(o => o.kind === 'ConfigMap')!;
    const configMapTemplate = templateText('configmap.yaml');
    expect(configMapTemplate).toContain('addons.{{ $id }}.enabled');
    expect(
      Object.keys(configMap.data)
        .filter(k => k.startsWith('addons.'))
        .sort(),
    ).toEqual(ADDON_IDS.map(id => `addons.${id}.enabled`).sort());

    // Every key the Deployment reads, the chart's ConfigMap can hold; the
    // add-on list is built from the toggles, as the base's annotation shows.
    const keys = pod.containers[0].env
      .map((e: Obj) => e.valueFrom?.configMapKeyRef?.key)
      .filter(Boolean);
    for (const key of keys) {
      expect(configMapTemplate).toMatch(new RegExp(`^  ${key}: `, 'm'));
    }
    expect(configMapTemplate).toContain(
      'addonsEnabled: {{ include "gpu-fleet-agent.enabledAddons" . | quote }}',
    );
    const baseConfigMap = base.find(o => o.kind === 'ConfigMap')!;
    expect(baseConfigMap.data.addonsEnabled).toBe(
      deployment.metadata.annotations['gpu-fleet.io/addons-enabled'],
    );
    // One value per setting, each filling its own key.
    expect(
      Object.keys(values.prerequisites)
        .map(k => `prerequisites.${k}`)
        .sort(),
    ).toEqual(
      keys.filter((k: string) => k.startsWith('prerequisites.')).sort(),
    );
    // The base holds what the chart derives from image.repository.
    expect(values.prerequisites.agentImageRegistry).toBe('');
    expect(baseConfigMap.data['prerequisites.agentImageRegistry']).toBe(
      values.image.repository.split('/')[0],
    );
  });
});

describe('per-provider agent values', () => {
  const files = fs.readdirSync(AGENT_VALUES).filter(f => f.endsWith('.yaml'));

  it('covers the hyperscalers and the GPU clouds', () => {
    expect(files.map(f => f.replace(/\.yaml$/, '')).sort()).toEqual([
      'aks',
      'coreweave',
      'eks',
      'fluidstack',
      'gke',
      'lambda',
      'oke',
    ]);
  });

  it.each(files)(
    '%s uses only chart values and agrees with the provider profile',
    file => {
      const values = readYaml(path.join(AGENT_VALUES, file));
      expect(unknownKeys(values, chartValues())).toEqual([]);
      const id = file.replace(/\.yaml$/, '');
      expect(values.provider).toBe(id);
      expect(isProviderId(values.provider)).toBe(true);
      const profile = getProviderProfile(values.provider);
      expect(values.tolerations).toEqual(profile.defaultTolerations);

      const managed = profile.managedAddons.map(m => m.addon);
      const gpuOperatorOn =
        !managed.includes('gpu-operator') &&
        profile.defaultAddons.includes('gpu-operator');
      expect(values.addons['gpu-operator']).toEqual({ enabled: gpuOperatorOn });
      for (const addon of managed) {
        expect({ addon, ...values.addons[addon] }).toEqual({
          addon,
          enabled: false,
        });
      }
      for (const addon of profile.defaultAddons) {
        expect({ addon, ...values.addons[addon] }).toEqual({
          addon,
          enabled: true,
        });
      }
    },
  );
});

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
import { readAgentConfig } from './agentConfig';
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

const allows = (rules: Obj[], group: string, resource: string, verb: string) =>
  rules.some(
    r =>
      r.apiGroups.includes(group) &&
      r.resources.includes(resource) &&
      r.verbs.includes(verb),
  );

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

  it('reads nodes, pods and namespaces cluster-wide and may write nowhere', () => {
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
    ]);
    expect(objects.filter(o => o.kind === 'Role')).toEqual([]);
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
    const checks = collectionsRequestedBy(
      fs
        .readdirSync(path.join(__dirname, 'prerequisites'))
        .filter(f => f.endsWith('.ts') && !f.endsWith('.test.ts'))
        .map(f => `prerequisites/${f}`),
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

  it('grants write access only in the managed namespaces', () => {
    const grants = grantsTo(rendered.objects, 'gpu-fleet', 'gpu-fleet-agent');
    const writing = grants.filter(g => writes(g.rules).length > 0);
    expect(writing.map(g => g.scope).sort()).toEqual([
      'ml-inference',
      'training',
    ]);
    expect(
      grants.filter(g => g.scope === '*').flatMap(g => writes(g.rules)),
    ).toEqual([]);
    for (const role of rendered.objects.filter(o => o.kind === 'Role')) {
      expect(role.rules).toEqual(chartValues().rbac.namespaceRules);
    }
    // No way to grant itself more: RBAC objects are not among what it may write.
    const written = writing.flatMap(g =>
      g.rules.filter(r => writes([r]).length > 0).flatMap(r => r.apiGroups),
    );
    expect(written).not.toContain('rbac.authorization.k8s.io');
    expect(written).not.toContain('*');
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
        'clusterroles,clusterrolebindings',
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

describe('Helm chart', () => {
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

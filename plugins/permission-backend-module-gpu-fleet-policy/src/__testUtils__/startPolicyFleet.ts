import path from 'node:path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import {
  AgentConnection,
  DeploymentStatusReporter,
  InventoryReporter,
  KubeApiForwarder,
} from '@gpu-fleet/agent';
import { startSimulator, writeKubeconfig } from '@gpu-fleet/k8s-simulator';
// The matrix needs the real GPU Fleet backend under the policy it tests.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import gpuFleetPlugin from '@gpu-fleet/plugin-gpu-fleet-backend';
import {
  pluginDatabaseFactory,
  TestUserTokens,
} from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';
import { Knex } from 'knex';
import { permissionModuleGpuFleetPolicy } from '../module';

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
  relations: parent
    ? [{ type: 'childOf', targetRef: `group:default/${parent}` }]
    : [],
});

/** The org: fleet admins, and a team nested in the group a workspace names. */
export const ORG: Entity[] = [
  group('ml-platform'),
  group('ml-research'),
  group('llm-team', 'ml-research'),
];

const user = (ref: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: { memberOf: [] },
});

/** Each demo role, with the groups their token carries (the sign-in resolver's `ent`). */
export const PEOPLE = {
  fleetAdmin: {
    ref: 'user:default/alice',
    groups: ['group:default/ml-platform'],
  },
  workspaceAdmin: { ref: 'user:default/erin', groups: [] },
  // A deployer only through llm-team's parent group.
  deployer: { ref: 'user:default/bob', groups: ['group:default/llm-team'] },
  viewer: { ref: 'user:default/carol', groups: [] },
  nobody: { ref: 'user:default/dave', groups: [] },
} as const;
export type Person = keyof typeof PEOPLE;

/** ORG and PEOPLE as a catalog file, for a test that runs the real catalog. */
export function orgCatalogYaml(): string {
  const people = Object.values(PEOPLE).map(p => user(p.ref));
  // Relations are the catalog's to derive; a file states parents and members.
  const entities = [...ORG, ...people].map(({ relations: _r, ...e }) => e);
  const memberOf = (ref: string) =>
    Object.values(PEOPLE).find(p => p.ref === ref)?.groups ?? [];
  for (const e of entities) {
    if (e.kind === 'User') {
      e.spec = {
        memberOf: memberOf(`user:default/${e.metadata.name}`).map(
          g => g.split('/')[1],
        ),
      };
    }
  }
  return entities.map(e => JSON.stringify(e)).join('\n---\n');
}

/**
 * The real backend with GPU Fleet, Backstage's permission backend and GPU
 * Fleet's policy module, a simulated cluster served by a real agent, and
 * real signed tokens for each person. No request is a mock user.
 */
export async function startPolicyFleet(
  knex: Knex,
  dir: string,
  options: {
    agentRights?: 'full' | 'read-only';
    /** The agent also reports GPU inventory, as deployments need. */
    inventory?: boolean;
    /** More of gpuFleet's config. */
    gpuFleet?: Record<string, unknown>;
    /** The agent also reports deployment status, as following a deployment needs. */
    status?: boolean;
    /** Other plugins and modules to run beside GPU Fleet. */
    features?: BackendFeature[];
    /** More top-level config, e.g. the catalog's locations. */
    config?: Record<string, unknown>;
    /**
     * The caller runs the real catalog (in `features`), with ORG and PEOPLE
     * from `orgCatalogYaml()`, instead of the stand-in holding ORG.
     */
    realCatalog?: boolean;
  } = {},
) {
  const tokens = await TestUserTokens.create();
  const backend = await startTestBackend({
    features: [
      gpuFleetPlugin,
      permissionPlugin,
      permissionModuleGpuFleetPolicy,
      ...tokens.backendFeatures(),
      ...(options.realCatalog
        ? []
        : [catalogServiceMock.factory({ entities: ORG })]),
      ...(options.features ?? []),
      pluginDatabaseFactory('gpu-fleet', knex),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          permission: { enabled: true },
          gpuFleet: {
            admins: ['group:default/ml-platform'],
            ...options.gpuFleet,
          },
          ...options.config,
        },
      }),
    ],
  });
  const port = backend.server.port();
  const base = `http://localhost:${port}/api/gpu-fleet`;
  // Refused tokens first: the stand-in keeps one set of claims per subject.
  const refused = {
    forged: `Bearer ${await tokens.forgedToken(PEOPLE.fleetAdmin.ref)}`,
    expired: `Bearer ${await tokens.expiredToken(PEOPLE.fleetAdmin.ref)}`,
  };
  const as = {} as Record<Person, string>;
  for (const [person, { ref, groups }] of Object.entries(PEOPLE)) {
    as[person as Person] = `Bearer ${await tokens.token(ref, {
      ownershipEntityRefs: [...groups],
    })}`;
  }

  const call = (
    method: string,
    route: string,
    authorization?: string,
    body?: unknown,
  ) =>
    fetch(`${base}${route}`, {
      method,
      headers: {
        ...(authorization ? { Authorization: authorization } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const stops: Array<() => Promise<void>> = [];
  /** Attaches a simulated cluster of a demo scenario, served by a real agent. */
  async function attachCluster(
    name: string,
    provider: string,
    scenario: string,
    agentOptions: {
      inventory?: boolean;
      status?: boolean;
      agentRights?: 'full' | 'read-only';
    } = {},
  ) {
    const sim = await startSimulator({
      scenario: path.resolve(
        require.resolve('@gpu-fleet/k8s-simulator/package.json'),
        `../scenarios/${scenario}.yaml`,
      ),
      agentRights: agentOptions.agentRights,
      // Pods start at once: tests wait on state, not on time.
      kubeletStartDelayMs: 20,
    });
    const kubeconfig = path.join(dir, `${name}.kubeconfig`);
    writeKubeconfig(sim.url, kubeconfig, name);
    const attach = await call('POST', '/clusters', as.fleetAdmin, {
      name,
      provider,
    });
    const attached = await attach.json();
    if (attach.status !== 201) {
      throw new Error(
        `attach answered ${attach.status}: ${JSON.stringify(attached)}`,
      );
    }
    let welcomed!: () => void;
    const connected = new Promise<void>(r => (welcomed = r));
    const kube = KubeApiForwarder.fromEnvironment(kubeconfig);
    let agent: AgentConnection | undefined = undefined;
    const inventory = agentOptions.inventory
      ? new InventoryReporter(kube.kubeConfig, report =>
          agent?.sendReport('inventory', report),
        )
      : undefined;
    const status = agentOptions.status
      ? new DeploymentStatusReporter(kube.kubeConfig, report =>
          agent?.sendReport('status', report),
        )
      : undefined;
    agent = new AgentConnection(
      {
        controlPlaneUrl: `ws://localhost:${port}/api/gpu-fleet/agent/connect`,
        clusterName: name,
        token: attached.token,
      },
      kube,
      {
        agentVersion: '0.1.0',
        logger: { info: () => {}, warn: () => {} },
        onWelcome: () => {
          inventory?.resnapshot();
          status?.resnapshot();
          welcomed();
        },
      },
    );
    agent.start();
    await inventory?.start();
    await status?.start();
    await connected;
    stops.push(async () => {
      await inventory?.stop();
      await status?.stop();
      agent?.stop();
      kube.close();
      await sim.close();
    });
    return { sim, agent: agent! };
  }

  const { sim } = await attachCluster('eks-p5', 'eks', 'eks-p5', options);

  return {
    base,
    as,
    refused,
    call,
    sim,
    attachCluster,
    async stop() {
      for (const stop of stops.reverse()) await stop();
      await backend.stop();
    },
  };
}

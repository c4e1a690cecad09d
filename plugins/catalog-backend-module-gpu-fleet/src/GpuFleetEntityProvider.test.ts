import { mockServices } from '@backstage/backend-test-utils';
import {
  componentEntityV1alpha1Validator,
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { GPU_FLEET_REGISTRY_TOPIC } from '@gpu-fleet/plugin-gpu-fleet-node';
import {
  cluster,
  deployment,
  FleetStandIn,
  workspace,
} from './__testUtils__/fleetFixtures';
import { FleetReader } from './FleetReader';
import { GpuFleetEntityProvider } from './GpuFleetEntityProvider';
import { PortalLinks } from './portalLinks';

const PORTAL = 'https://portal.example.com/gpu-fleet';

/** The catalog's own checks on what a provider emits. */
const catalogPolicies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

async function expectValid(entity: Entity) {
  await expect(catalogPolicies.enforce(entity)).resolves.toBeDefined();
  const validator =
    entity.kind === 'Component'
      ? componentEntityV1alpha1Validator
      : resourceEntityV1alpha1Validator;
  await expect(validator.check(entity)).resolves.toBe(true);
}

function setup(fleet: FleetStandIn, clusterOwner?: string) {
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      mutations.push(mutation);
    },
    refresh: async () => {},
  };
  const events = mockServices.events();
  const logger = mockServices.logger.mock();
  let scheduled: (() => Promise<void>) | undefined;
  const provider = new GpuFleetEntityProvider({
    reader: new FleetReader(fleet.deps()),
    options: { links: new PortalLinks(PORTAL), clusterOwner },
    events,
    logger,
    taskRunner: {
      run: async task => {
        scheduled = () =>
          Promise.resolve(task.fn(new AbortController().signal));
      },
    },
  });
  const publish = (eventPayload: unknown) =>
    events.publish({ topic: GPU_FLEET_REGISTRY_TOPIC, eventPayload });
  return {
    provider,
    mutations,
    logger,
    publish,
    async connect() {
      await provider.connect(connection);
      return () => scheduled!();
    },
    last() {
      return mutations[mutations.length - 1];
    },
  };
}

const byRef = (entities: Array<{ entity: Entity }>) =>
  new Map(entities.map(({ entity }) => [stringifyEntityRef(entity), entity]));

describe('GpuFleetEntityProvider', () => {
  const lambda = cluster('lambda-h200', {
    provider: 'lambda',
    displayName: 'Lambda H200 pool',
  });
  const inference = workspace('ml-inference', 'lambda-h200', [
    { ref: 'user:default/carol', role: 'viewer' },
    { ref: 'user:default/erin', role: 'admin' },
    { ref: 'group:default/ml-research', role: 'admin' },
  ]);
  const llama = deployment(inference, 'llama');

  it('emits a Resource per attached cluster and workspace and a Component per deployment, each a valid catalog entity', async () => {
    const fleet = new FleetStandIn().add(lambda, inference, llama);
    fleet.gpus.set('lambda-h200', { H200: 16, H100: 8 });
    const { mutations, connect } = setup(fleet, 'group:default/ml-platform');
    const refresh = await connect();
    await refresh();

    expect(mutations).toHaveLength(1);
    expect(mutations[0].type).toBe('full');
    const entities = byRef((mutations[0] as any).entities);
    expect([...entities.keys()].sort()).toEqual([
      'component:ml-inference/llama',
      'resource:gpu-fleet-clusters/lambda-h200',
      'resource:gpu-fleet-workspaces/ml-inference',
    ]);
    for (const entity of entities.values()) await expectValid(entity);

    const clusterEntity = entities.get(
      'resource:gpu-fleet-clusters/lambda-h200',
    )!;
    expect(clusterEntity.metadata).toMatchObject({
      title: 'Lambda H200 pool',
      description:
        'Lambda managed Kubernetes cluster in us-east-1: 16 × H200, 8 × H100',
      labels: {
        'gpu-fleet.io/provider': 'lambda',
        'gpu-fleet.io/region': 'us-east-1',
        'gpu-fleet.io/status': 'connected',
      },
      annotations: {
        'backstage.io/managed-by-location': `url:${PORTAL}/clusters/lambda-h200`,
        'backstage.io/managed-by-origin-location': `url:${PORTAL}/clusters/lambda-h200`,
        'gpu-fleet.io/cluster': 'lambda-h200',
      },
      tags: ['gpu', 'lambda', 'h200', 'h100'],
      links: [{ url: `${PORTAL}/clusters/lambda-h200` }],
    });
    expect(clusterEntity.spec).toEqual({
      type: 'kubernetes-cluster',
      owner: 'group:default/ml-platform',
      gpus: [
        { type: 'H200', count: 16 },
        { type: 'H100', count: 8 },
      ],
    });

    const workspaceEntity = entities.get(
      'resource:gpu-fleet-workspaces/ml-inference',
    )!;
    expect(workspaceEntity.spec).toEqual({
      type: 'gpu-fleet-workspace',
      owner: 'group:default/ml-research',
      dependsOn: ['resource:gpu-fleet-clusters/lambda-h200'],
    });
    expect(workspaceEntity.metadata.annotations).toMatchObject({
      'gpu-fleet.io/workspace': 'ml-inference',
      'gpu-fleet.io/cluster': 'lambda-h200',
      'backstage.io/managed-by-location': `url:${PORTAL}/workspaces/ml-inference`,
    });

    const component = entities.get('component:ml-inference/llama')!;
    expect(component.spec).toEqual({
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/ml-research',
      dependsOn: [
        'resource:gpu-fleet-clusters/lambda-h200',
        'resource:gpu-fleet-workspaces/ml-inference',
      ],
    });
    expect(component.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'llama',
      'backstage.io/kubernetes-namespace': 'ml-inference-ns',
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/managed-by=gpu-fleet,gpu-fleet.io/workspace=ml-inference,gpu-fleet.io/deployment=llama',
      'backstage.io/kubernetes-cluster': 'lambda-h200',
      'backstage.io/managed-by-location': `url:${PORTAL}/workspaces/ml-inference/deployments/llama`,
    });
    expect(component.metadata.description).toBe(
      'vLLM service serving meta-llama/Llama-3.1-8B-Instruct on 1 × H100 per replica',
    );
  });

  it('makes an MPIJob a job and owns a workspace by its first admin, else by the cluster owner', async () => {
    const solo = workspace('solo', 'lambda-h200', [
      { ref: 'user:default/erin', role: 'admin' },
    ]);
    const orphan = workspace('orphan', 'lambda-h200', [
      { ref: 'group:default/ml-research', role: 'deployer' },
    ]);
    const training = deployment(solo, 'pretrain', { template: 'mpijob' });
    const fleet = new FleetStandIn().add(lambda, solo, orphan, training);
    const { mutations, connect } = setup(fleet);
    await (
      await connect()
    )();
    const entities = byRef((mutations[0] as any).entities);
    expect(
      entities.get('resource:gpu-fleet-workspaces/solo')!.spec!.owner,
    ).toBe('user:default/erin');
    // No admin and no configured owner: whoever attached the cluster.
    expect(
      entities.get('resource:gpu-fleet-workspaces/orphan')!.spec!.owner,
    ).toBe('user:default/alice');
    const job = entities.get('component:solo/pretrain')!;
    expect(job.spec).toMatchObject({ type: 'job', owner: 'user:default/erin' });
    expect(job.metadata.description).toBe(
      'MPIJob training run: 2 workers × 8 H100',
    );
    await expectValid(job);
  });

  it('takes a detached cluster out with its workspaces and their deployments, and brings them back on re-attach', async () => {
    const fleet = new FleetStandIn().add(lambda, inference, llama);
    const { connect, publish, last } = setup(fleet);
    await connect();

    fleet.add({
      ...lambda,
      status: 'revoked',
      detachedAt: '2026-12-02T00:00:00Z',
    });
    await publish({ kind: 'cluster', name: 'lambda-h200', action: 'detached' });
    expect(last()).toEqual({
      type: 'delta',
      added: [],
      removed: expect.arrayContaining([
        expect.objectContaining({
          entityRef: 'resource:gpu-fleet-clusters/lambda-h200',
        }),
        expect.objectContaining({
          entityRef: 'resource:gpu-fleet-workspaces/ml-inference',
        }),
        expect.objectContaining({ entityRef: 'component:ml-inference/llama' }),
      ]),
    });

    fleet.add(
      cluster('lambda-h200', { provider: 'lambda', status: 'pending' }),
    );
    await publish({ kind: 'cluster', name: 'lambda-h200', action: 'attached' });
    const back = last() as Extract<EntityProviderMutation, { type: 'delta' }>;
    expect([...byRef(back.added).keys()].sort()).toEqual([
      'component:ml-inference/llama',
      'resource:gpu-fleet-clusters/lambda-h200',
      'resource:gpu-fleet-workspaces/ml-inference',
    ]);
    expect(back.removed).toEqual([]);
  });

  it('follows a retargeted deployment to its cluster and removes a deleted one, from events alone', async () => {
    const coreweave = cluster('cw-h100', { provider: 'coreweave' });
    const fleet = new FleetStandIn().add(lambda, coreweave, inference, llama);
    const { connect, publish, last, mutations } = setup(fleet);
    await connect();

    fleet.add(deployment(inference, 'llama', { cluster: 'cw-h100' }));
    await publish({
      kind: 'deployment',
      workspace: 'ml-inference',
      name: 'llama',
      action: 'retargeted',
    });
    const moved = (last() as any).added[0].entity as Entity;
    expect(moved.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-cluster': 'cw-h100',
      'gpu-fleet.io/cluster': 'cw-h100',
      // The namespace stays the workspace's, made on the new cluster too.
      'backstage.io/kubernetes-namespace': 'ml-inference-ns',
    });
    expect(moved.spec!.dependsOn).toEqual([
      'resource:gpu-fleet-clusters/cw-h100',
      'resource:gpu-fleet-workspaces/ml-inference',
    ]);

    fleet.deployments.delete('ml-inference/llama');
    await publish({
      kind: 'deployment',
      workspace: 'ml-inference',
      name: 'llama',
      action: 'deleted',
    });
    expect(last()).toEqual({
      type: 'delta',
      added: [],
      removed: [
        expect.objectContaining({ entityRef: 'component:ml-inference/llama' }),
      ],
    });
    // No full read happened: every mutation was a delta.
    expect(mutations.map(m => m.type)).toEqual(['delta', 'delta']);
  });

  it('removes a deleted workspace and re-emits a changed one with its deployments', async () => {
    const fleet = new FleetStandIn().add(lambda, inference, llama);
    const { connect, publish, last } = setup(fleet);
    await connect();

    fleet.add({
      ...inference,
      members: [{ ref: 'group:default/llm-team', role: 'admin' }],
    });
    await publish({
      kind: 'workspace',
      name: 'ml-inference',
      action: 'updated',
    });
    const changed = byRef((last() as any).added);
    expect(
      changed.get('resource:gpu-fleet-workspaces/ml-inference')!.spec!.owner,
    ).toBe('group:default/llm-team');
    expect(changed.get('component:ml-inference/llama')!.spec!.owner).toBe(
      'group:default/llm-team',
    );

    fleet.deployments.clear();
    fleet.workspaces.clear();
    await publish({
      kind: 'workspace',
      name: 'ml-inference',
      action: 'deleted',
    });
    expect(last()).toEqual({
      type: 'delta',
      added: [],
      removed: [
        expect.objectContaining({
          entityRef: 'resource:gpu-fleet-workspaces/ml-inference',
        }),
      ],
    });
  });

  it('ignores a payload that is not a registry change, and applies later changes', async () => {
    const fleet = new FleetStandIn().add(lambda);
    const { connect, publish, mutations, logger } = setup(fleet);
    await connect();
    await publish({ kind: 'cluster', name: 'lambda-h200', action: 'exploded' });
    await publish('cluster lambda-h200');
    expect(mutations).toEqual([]);
    expect(logger.warn).toHaveBeenCalledTimes(2);

    await publish({ kind: 'cluster', name: 'lambda-h200', action: 'status' });
    expect(mutations).toHaveLength(1);
  });

  it('applies changes one at a time, in the order they were announced', async () => {
    const fleet = new FleetStandIn().add(lambda, inference, llama);
    const deps = fleet.deps();
    // The first read has its answer, then waits until the test lets it go.
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    let answered!: () => void;
    const firstAnswered = new Promise<void>(resolve => (answered = resolve));
    const get = deps.deployments.get;
    let calls = 0;
    deps.deployments.get = async (key, options) => {
      const answer = await get(key, options);
      calls += 1;
      if (calls === 1) {
        answered();
        await held;
      }
      return answer;
    };
    const mutations: EntityProviderMutation[] = [];
    const provider = new GpuFleetEntityProvider({
      reader: new FleetReader(deps),
      options: { links: new PortalLinks(PORTAL) },
      events: mockServices.events(),
      logger: mockServices.logger.mock(),
      taskRunner: { run: async () => {} },
    });
    await provider.connect({
      applyMutation: async m => {
        mutations.push(m);
      },
      refresh: async () => {},
    });

    const created = provider.applyChange({
      kind: 'deployment',
      workspace: 'ml-inference',
      name: 'llama',
      action: 'created',
    });
    await firstAnswered;
    fleet.deployments.clear();
    const deleted = provider.applyChange({
      kind: 'deployment',
      workspace: 'ml-inference',
      name: 'llama',
      action: 'deleted',
    });
    release();
    await Promise.all([created, deleted]);
    // The stale read of the created deployment cannot land after its removal.
    expect(mutations.map(m => (m as any).added.length)).toEqual([1, 0]);
    expect((mutations[1] as any).removed).toEqual([
      expect.objectContaining({ entityRef: 'component:ml-inference/llama' }),
    ]);
  });
});

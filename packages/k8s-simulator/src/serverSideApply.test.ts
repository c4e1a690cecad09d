import { RunningSimulator, startSimulator } from './startSimulator';
import { request } from './testing/httpClient';

const APPLY = 'application/apply-patch+yaml';

describe('server-side apply', () => {
  let sim: RunningSimulator;
  const apply = (path: string, body: string, query: string) =>
    request(sim.url, 'PATCH', `${path}?${query}`, { body, contentType: APPLY });

  beforeEach(async () => {
    // Without controllers, managedFields list only the test's own managers.
    sim = await startSimulator({ port: 0, controllers: false });
  });

  afterEach(async () => {
    await sim.close();
  });

  const deployment = (replicas: number, image: string, extraLabel = '') => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: trainer
  labels:
    app: trainer${extraLabel}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: trainer}
  template:
    metadata:
      labels: {app: trainer}
    spec:
      containers:
      - name: main
        image: ${image}
`;
  const path = '/apis/apps/v1/namespaces/default/deployments/trainer';

  it('creates missing objects and records Apply ownership in managedFields', async () => {
    const res = await apply(
      path,
      deployment(2, 'pytorch:24.07'),
      'fieldManager=fleet-agent',
    );
    expect(res.status).toBe(201);
    expect(res.body.spec.replicas).toBe(2);
    const entry = res.body.metadata.managedFields.find(
      (m: any) => m.manager === 'fleet-agent',
    );
    expect(entry).toMatchObject({
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
    });
    expect(entry.fieldsV1).toMatchObject({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"main"}': { '.': {}, 'f:image': {}, 'f:name': {} },
            },
          },
        },
      },
    });
    // Defaulted fields belong to nobody.
    expect(res.body.spec.revisionHistoryLimit).toBe(10);
    expect(JSON.stringify(entry.fieldsV1)).not.toContain(
      'revisionHistoryLimit',
    );
  });

  it('requires a fieldManager', async () => {
    const res = await apply(path, deployment(2, 'x'), 'force=false');
    expect(res.status).toBe(400);
  });

  it('merges re-applies and removes fields the manager stopped applying', async () => {
    await apply(
      path,
      deployment(2, 'pytorch:24.07', '\n    stage: beta'),
      'fieldManager=fleet-agent',
    );
    const res = await apply(
      path,
      deployment(3, 'pytorch:24.08'),
      'fieldManager=fleet-agent',
    );
    expect(res.status).toBe(200);
    expect(res.body.spec.replicas).toBe(3);
    expect(res.body.spec.template.spec.containers[0].image).toBe(
      'pytorch:24.08',
    );
    expect(res.body.metadata.labels).toEqual({ app: 'trainer' });
    expect(res.body.metadata.generation).toBe(2);
  });

  it('fails with a 409 listing conflicting fields and their manager unless forced', async () => {
    await apply(
      path,
      deployment(2, 'pytorch:24.07'),
      'fieldManager=fleet-agent',
    );
    await request(sim.url, 'PATCH', `${path}/scale?fieldManager=autoscaler`, {
      body: { spec: { replicas: 5 } },
      contentType: 'application/merge-patch+json',
    });

    const conflict = await apply(
      path,
      deployment(2, 'pytorch:24.08'),
      'fieldManager=fleet-agent&force=false',
    );
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Apply failed with 1 conflict: conflict with "autoscaler" using apps/v1: .spec.replicas',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "autoscaler" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
      code: 409,
    });
    // Nothing changed on conflict.
    const current = await request(sim.url, 'GET', path);
    expect(current.body.spec.template.spec.containers[0].image).toBe(
      'pytorch:24.07',
    );

    const forced = await apply(
      path,
      deployment(2, 'pytorch:24.08'),
      'fieldManager=fleet-agent&force=true',
    );
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(2);
    const owners = forced.body.metadata.managedFields;
    expect(owners.find((m: any) => m.manager === 'autoscaler')).toBeUndefined();
    expect(
      owners.find((m: any) => m.manager === 'fleet-agent').fieldsV1['f:spec'][
        'f:replicas'
      ],
    ).toEqual({});
  });

  it('lets two managers co-own a field set to the same value without conflict', async () => {
    await apply(
      path,
      deployment(2, 'pytorch:24.07'),
      'fieldManager=fleet-agent',
    );
    const other = await apply(
      path,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: trainer}\nspec: {replicas: 2}\n',
      'fieldManager=capacity-planner',
    );
    expect(other.status).toBe(200);
    const managers = other.body.metadata.managedFields
      .map((m: any) => m.manager)
      .sort();
    expect(managers).toEqual(['capacity-planner', 'fleet-agent']);
  });

  it('reports multiple conflicts grouped by manager', async () => {
    sim.store.createObject(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'limits', namespace: 'default' },
        data: { a: '1', b: '2' },
      },
      { fieldManager: 'kubectl-create' },
    );
    const res = await apply(
      '/api/v1/namespaces/default/configmaps/limits',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: limits}\ndata: {a: "10", b: "20"}\n',
      'fieldManager=fleet-agent',
    );
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using v1:\n- .data.a\n- .data.b',
    );
    expect(res.body.details.causes.map((c: any) => c.field)).toEqual([
      '.data.a',
      '.data.b',
    ]);
  });

  it('rejects a body whose name differs from the URL', async () => {
    const res = await apply(
      '/api/v1/namespaces/default/configmaps/one',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n',
      'fieldManager=m',
    );
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'the name of the object (two) does not match the name on the URL (one)',
    );
  });
});

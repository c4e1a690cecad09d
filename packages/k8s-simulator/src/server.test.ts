import { RunningSimulator, startSimulator } from './startSimulator';
import { request } from './testing/httpClient';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...((extra.metadata as object) ?? {}) },
  spec: (extra.spec as object) ?? {
    containers: [{ name: 'main', image: 'busybox' }],
  },
  ...(extra.status ? { status: extra.status } : {}),
});

describe('Kubernetes API simulator HTTP API', () => {
  let sim: RunningSimulator;
  const call = (
    method: string,
    path: string,
    options?: Parameters<typeof request>[3],
  ) => request(sim.url, method, path, options);

  beforeEach(async () => {
    // API semantics only: objects change only when the test changes them.
    sim = await startSimulator({ port: 0, controllers: false });
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('discovery', () => {
    it('serves version, core and group discovery documents', async () => {
      const version = await call('GET', '/version');
      expect(version.body.gitVersion).toMatch(/^v1\.30\.\d+$/);

      expect((await call('GET', '/api')).body).toMatchObject({
        kind: 'APIVersions',
        versions: ['v1'],
      });

      const core = (await call('GET', '/api/v1')).body;
      expect(core.kind).toBe('APIResourceList');
      const byName = Object.fromEntries(
        core.resources.map((r: any) => [r.name, r]),
      );
      expect(byName.pods).toMatchObject({
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        shortNames: ['po'],
      });
      expect(byName.pods.verbs).toEqual(
        expect.arrayContaining([
          'create',
          'get',
          'list',
          'watch',
          'patch',
          'delete',
        ]),
      );
      expect(byName['pods/log']).toMatchObject({ kind: 'Pod', verbs: ['get'] });
      expect(byName.nodes).toMatchObject({
        namespaced: false,
        shortNames: ['no'],
      });
      for (const [name, short] of [
        ['services', 'svc'],
        ['configmaps', 'cm'],
        ['namespaces', 'ns'],
        ['serviceaccounts', 'sa'],
        ['events', 'ev'],
      ]) {
        expect(byName[name].shortNames).toEqual([short]);
      }

      const groups = (await call('GET', '/apis')).body;
      expect(groups.kind).toBe('APIGroupList');
      expect(groups.groups.map((g: any) => g.name)).toEqual(
        expect.arrayContaining([
          'apps',
          'apiextensions.k8s.io',
          'kubeflow.org',
        ]),
      );
      const apps = (await call('GET', '/apis/apps/v1')).body;
      expect(
        apps.resources.find((r: any) => r.name === 'deployments'),
      ).toMatchObject({ kind: 'Deployment', shortNames: ['deploy'] });
      expect(
        (await call('GET', '/apis/kubeflow.org/v2beta1')).body.resources[0],
      ).toMatchObject({ name: 'mpijobs', kind: 'MPIJob' });
    });

    it('answers aggregated discovery requests with plain JSON discovery', async () => {
      const res = await call('GET', '/apis', {
        accept:
          'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      });
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.body.kind).toBe('APIGroupList');
    });

    it('serves schema-less OpenAPI v3 with field validation support and 404s OpenAPI v2', async () => {
      const root = (await call('GET', '/openapi/v3')).body;
      const core = await call('GET', root.paths['api/v1'].serverRelativeURL);
      const patch =
        core.body.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']
          .patch;
      expect(patch['x-kubernetes-group-version-kind']).toEqual({
        group: '',
        version: 'v1',
        kind: 'ConfigMap',
      });
      expect(patch.parameters.map((p: any) => p.name)).toContain(
        'fieldValidation',
      );
      expect((await call('GET', '/openapi/v2')).status).toBe(404);
    });
  });

  describe('create, read, update, delete', () => {
    it('creates objects with server-set metadata and a monotonically increasing resourceVersion', async () => {
      const first = await call(
        'POST',
        '/api/v1/namespaces/default/configmaps',
        {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'a' },
            data: { k: 'v' },
          },
        },
      );
      expect(first.status).toBe(201);
      expect(first.body.metadata).toMatchObject({
        name: 'a',
        namespace: 'default',
      });
      expect(first.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.body.metadata.creationTimestamp).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
      expect(first.body.metadata.managedFields[0]).toMatchObject({
        manager: 'node',
        operation: 'Update',
        fieldsV1: { 'f:data': { 'f:k': {} } },
      });

      const second = await call(
        'POST',
        '/api/v1/namespaces/default/configmaps',
        {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'b' },
          },
        },
      );
      expect(Number(second.body.metadata.resourceVersion)).toBeGreaterThan(
        Number(first.body.metadata.resourceVersion),
      );
      expect(
        (await call('GET', '/api/v1/namespaces/default/configmaps/a')).body
          .data,
      ).toEqual({ k: 'v' });
    });

    it('accepts YAML bodies and generateName', async () => {
      const res = await call('POST', '/api/v1/namespaces/default/configmaps', {
        body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: job-\ndata:\n  a: "1"\n',
        contentType: 'application/yaml',
      });
      expect(res.status).toBe(201);
      expect(res.body.metadata.name).toMatch(/^job-[a-z0-9]{5}$/);
    });

    it('rejects updates carrying a stale resourceVersion with 409 Conflict', async () => {
      const created = (
        await call('POST', '/api/v1/namespaces/default/configmaps', {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'cfg' },
            data: { a: '1' },
          },
        })
      ).body;
      const updated = await call(
        'PUT',
        '/api/v1/namespaces/default/configmaps/cfg',
        {
          body: { ...created, data: { a: '2' } },
        },
      );
      expect(updated.status).toBe(200);
      expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(
        Number(created.metadata.resourceVersion),
      );

      const stale = await call(
        'PUT',
        '/api/v1/namespaces/default/configmaps/cfg',
        {
          body: { ...created, data: { a: '3' } },
        },
      );
      expect(stale.status).toBe(409);
      expect(stale.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
        reason: 'Conflict',
        details: { name: 'cfg', kind: 'configmaps' },
        code: 409,
      });
    });

    it('merge-patches and strategic-merge-patches, keeping list items matched by name', async () => {
      await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'web', labels: { app: 'web' } },
          spec: {
            selector: { matchLabels: { app: 'web' } },
            template: {
              metadata: { labels: { app: 'web' } },
              spec: {
                containers: [
                  {
                    name: 'web',
                    image: 'nginx:1.27',
                    ports: [{ containerPort: 80 }],
                  },
                ],
              },
            },
          },
        },
      });
      const merged = await call(
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/web',
        {
          body: { metadata: { labels: { tier: 'frontend' } } },
          contentType: 'application/merge-patch+json',
        },
      );
      expect(merged.body.metadata.labels).toEqual({
        app: 'web',
        tier: 'frontend',
      });
      expect(merged.body.metadata.generation).toBe(1);

      const strategic = await call(
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/web',
        {
          body: {
            spec: {
              template: {
                spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] },
              },
            },
          },
          contentType: 'application/strategic-merge-patch+json',
        },
      );
      expect(strategic.status).toBe(200);
      expect(strategic.body.spec.template.spec.containers).toEqual([
        expect.objectContaining({
          name: 'web',
          image: 'nginx:1.28',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
        }),
      ]);
      expect(strategic.body.metadata.generation).toBe(2);

      const jsonPatch = await call(
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/web',
        {
          body: [{ op: 'replace', path: '/spec/replicas', value: 4 }],
          contentType: 'application/json-patch+json',
        },
      );
      expect(jsonPatch.body.spec.replicas).toBe(4);
    });

    it('returns the object when deleting pods and a Status when deleting configmaps', async () => {
      await call('POST', '/api/v1/namespaces/default/pods', { body: pod('p') });
      const deletedPod = await call(
        'DELETE',
        '/api/v1/namespaces/default/pods/p',
      );
      expect(deletedPod.status).toBe(200);
      expect(deletedPod.body).toMatchObject({
        kind: 'Pod',
        metadata: { name: 'p' },
      });

      const cm = (
        await call('POST', '/api/v1/namespaces/default/configmaps', {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'c' },
          },
        })
      ).body;
      const deletedCm = await call(
        'DELETE',
        '/api/v1/namespaces/default/configmaps/c',
      );
      expect(deletedCm.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name: 'c', kind: 'configmaps', uid: cm.metadata.uid },
        code: 200,
      });
      expect(
        (await call('GET', '/api/v1/namespaces/default/pods/p')).status,
      ).toBe(404);
    });

    it('keeps objects with finalizers until the finalizers are removed', async () => {
      await call('POST', '/api/v1/namespaces/default/configmaps', {
        body: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'held', finalizers: ['example.com/hold'] },
        },
      });
      await call('DELETE', '/api/v1/namespaces/default/configmaps/held');
      const held = await call(
        'GET',
        '/api/v1/namespaces/default/configmaps/held',
      );
      expect(held.body.metadata.deletionTimestamp).toBeDefined();
      await call('PATCH', '/api/v1/namespaces/default/configmaps/held', {
        body: { metadata: { finalizers: null } },
        contentType: 'application/merge-patch+json',
      });
      expect(
        (await call('GET', '/api/v1/namespaces/default/configmaps/held'))
          .status,
      ).toBe(404);
    });

    it('keeps status out of main-resource updates and serves the status subresource', async () => {
      const created = (
        await call('POST', '/api/v1/namespaces/default/pods', {
          body: pod('s'),
        })
      ).body;
      expect(created.status.phase).toBe('Pending');
      const viaMain = await call('PUT', '/api/v1/namespaces/default/pods/s', {
        body: { ...created, status: { phase: 'Running' } },
      });
      expect(viaMain.body.status.phase).toBe('Pending');
      const viaStatus = await call(
        'PATCH',
        '/api/v1/namespaces/default/pods/s/status',
        {
          body: { status: { phase: 'Running' } },
          contentType: 'application/merge-patch+json',
        },
      );
      expect(viaStatus.body.status.phase).toBe('Running');
      expect(
        viaStatus.body.metadata.managedFields.find(
          (m: any) => m.subresource === 'status',
        ),
      ).toBeDefined();
    });

    it('scales deployments through the scale subresource', async () => {
      await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'd' },
          spec: {
            selector: { matchLabels: { app: 'd' } },
            template: {
              metadata: { labels: { app: 'd' } },
              spec: { containers: [{ name: 'c', image: 'i' }] },
            },
          },
        },
      });
      const scale = await call(
        'PATCH',
        '/apis/apps/v1/namespaces/default/deployments/d/scale',
        {
          body: { spec: { replicas: 3 } },
          contentType: 'application/merge-patch+json',
        },
      );
      expect(scale.body).toMatchObject({
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        spec: { replicas: 3 },
        status: { selector: 'app=d' },
      });
      expect(
        (await call('GET', '/apis/apps/v1/namespaces/default/deployments/d'))
          .body.spec.replicas,
      ).toBe(3);
    });
  });

  describe('errors', () => {
    it('answers a missing object with the real NotFound Status', async () => {
      const res = await call('GET', '/api/v1/namespaces/default/pods/x');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'pods "x" not found',
        reason: 'NotFound',
        details: { name: 'x', kind: 'pods' },
        code: 404,
      });
      const grouped = await call(
        'GET',
        '/apis/apps/v1/namespaces/default/deployments/gone',
      );
      expect(grouped.body).toMatchObject({
        message: 'deployments.apps "gone" not found',
        details: { name: 'gone', group: 'apps', kind: 'deployments' },
      });
    });

    it('refuses creating into a namespace that does not exist', async () => {
      const res = await call('POST', '/api/v1/namespaces/nope/pods', {
        body: pod('p'),
      });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({
        message: 'namespaces "nope" not found',
        reason: 'NotFound',
        details: { name: 'nope', kind: 'namespaces' },
      });
    });

    it('reports duplicates as 409 AlreadyExists', async () => {
      await call('POST', '/api/v1/namespaces/default/pods', {
        body: pod('dup'),
      });
      const res = await call('POST', '/api/v1/namespaces/default/pods', {
        body: pod('dup'),
      });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({
        reason: 'AlreadyExists',
        message: 'pods "dup" already exists',
        details: { name: 'dup', kind: 'pods' },
      });
    });

    it('reports invalid objects as 422 Invalid with the offending fields', async () => {
      const badName = await call('POST', '/api/v1/namespaces/default/pods', {
        body: pod('Bad_Name'),
      });
      expect(badName.status).toBe(422);
      expect(badName.body.reason).toBe('Invalid');
      expect(badName.body.message).toMatch(
        /^Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
      );
      expect(badName.body.details).toMatchObject({
        name: 'Bad_Name',
        kind: 'Pod',
      });
      expect(badName.body.details.causes[0]).toMatchObject({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
      });

      const noContainers = await call(
        'POST',
        '/api/v1/namespaces/default/pods',
        { body: pod('empty', { spec: {} }) },
      );
      expect(noContainers.status).toBe(422);
      expect(noContainers.body.message).toBe(
        'Pod "empty" is invalid: spec.containers: Required value',
      );
      expect(noContainers.body.details.causes).toEqual([
        {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: 'spec.containers',
        },
      ]);

      const badNamespace = await call('POST', '/api/v1/namespaces', {
        body: {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'has.dot' },
        },
      });
      expect(badNamespace.status).toBe(422);
      expect(badNamespace.body.details.causes[0].message).toMatch(
        /RFC 1123 label/,
      );
    });

    it('rejects bodies whose apiVersion or kind do not match the URL as 400 BadRequest', async () => {
      const wrongKind = await call('POST', '/api/v1/namespaces/default/pods', {
        body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      });
      expect(wrongKind.status).toBe(400);
      expect(wrongKind.body).toMatchObject({ reason: 'BadRequest', code: 400 });
      const wrongVersion = await call(
        'POST',
        '/api/v1/namespaces/default/pods',
        {
          body: { apiVersion: 'apps/v1', kind: 'Pod', metadata: { name: 's' } },
        },
      );
      expect(wrongVersion.body.message).toBe(
        'the API version in the data (apps/v1) does not match the expected API version (v1)',
      );
    });

    it('rejects malformed bodies with 400, unsupported verbs with 405, unknown resources with 404', async () => {
      const malformed = await call('POST', '/api/v1/namespaces/default/pods', {
        body: '{"kind": ',
        contentType: 'application/json',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toMatch(
        /^couldn't get version\/kind; json parse error/,
      );
      const badYaml = await call('POST', '/api/v1/namespaces/default/pods', {
        body: 'a: [1,',
        contentType: 'application/yaml',
      });
      expect(badYaml.status).toBe(400);

      const notAllowed = await call(
        'POST',
        '/api/v1/namespaces/default/pods/some-name',
        { body: pod('x') },
      );
      expect(notAllowed.status).toBe(405);
      expect(notAllowed.body).toMatchObject({
        reason: 'MethodNotAllowed',
        code: 405,
      });
      expect((await call('DELETE', '/api/v1/namespaces')).status).toBe(405);

      const unknown = await call('GET', '/api/v1/namespaces/default/widgets');
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe(
        'the server could not find the requested resource',
      );
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      await call('POST', '/api/v1/namespaces', {
        body: {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'team-a' },
        },
      });
      const pods: Array<
        [string, string, Record<string, string>, string | undefined, string]
      > = [
        [
          'default',
          'web-1',
          { app: 'web', tier: 'frontend' },
          'node-a',
          'Running',
        ],
        [
          'default',
          'web-2',
          { app: 'web', tier: 'frontend' },
          'node-b',
          'Pending',
        ],
        ['default', 'db-1', { app: 'db' }, 'node-a', 'Running'],
        [
          'team-a',
          'train-1',
          { app: 'train', gpu: 'h100' },
          'node-b',
          'Running',
        ],
      ];
      for (const [ns, name, labels, nodeName, phase] of pods) {
        await call('POST', `/api/v1/namespaces/${ns}/pods`, {
          body: pod(name, {
            metadata: { labels },
            spec: {
              nodeName,
              containers: [{ name: 'main', image: 'busybox' }],
            },
            status: { phase },
          }),
        });
      }
    });

    const names = (body: any) => body.items.map((i: any) => i.metadata.name);

    it('lists per namespace and across all namespaces', async () => {
      const inDefault = await call('GET', '/api/v1/namespaces/default/pods');
      expect(inDefault.body.kind).toBe('PodList');
      expect(names(inDefault.body)).toEqual(['db-1', 'web-1', 'web-2']);
      expect(names((await call('GET', '/api/v1/pods')).body)).toEqual([
        'db-1',
        'web-1',
        'web-2',
        'train-1',
      ]);
    });

    it.each([
      ['app=web', ['web-1', 'web-2']],
      ['app==web', ['web-1', 'web-2']],
      ['app!=web', ['db-1', 'train-1']],
      ['gpu', ['train-1']],
      ['!tier', ['db-1', 'train-1']],
      ['app in (db,train)', ['db-1', 'train-1']],
      ['app notin (web),app', ['db-1', 'train-1']],
      ['app=web,tier=frontend', ['web-1', 'web-2']],
    ])('filters with labelSelector %s', async (selector, expected) => {
      const res = await call(
        'GET',
        `/api/v1/pods?labelSelector=${encodeURIComponent(selector)}`,
      );
      expect(names(res.body)).toEqual(expected);
    });

    it.each([
      ['spec.nodeName=node-a', ['db-1', 'web-1']],
      ['status.phase=Running,spec.nodeName=node-b', ['train-1']],
      ['status.phase!=Running', ['web-2']],
      ['metadata.name=web-2', ['web-2']],
      ['metadata.namespace=team-a', ['train-1']],
    ])('filters with fieldSelector %s', async (selector, expected) => {
      const res = await call(
        'GET',
        `/api/v1/pods?fieldSelector=${encodeURIComponent(selector)}`,
      );
      expect(names(res.body)).toEqual(expected);
    });

    it('rejects unsupported field selectors and malformed label selectors', async () => {
      const field = await call(
        'GET',
        '/api/v1/pods?fieldSelector=spec.foo%3Dbar',
      );
      expect(field.status).toBe(400);
      expect(field.body.message).toBe('field label not supported: spec.foo');
      expect(
        (await call('GET', '/api/v1/pods?labelSelector=app%20in%20web')).status,
      ).toBe(400);
    });

    it('pages with limit and continue', async () => {
      const first = (await call('GET', '/api/v1/pods?limit=3')).body;
      expect(names(first)).toEqual(['db-1', 'web-1', 'web-2']);
      expect(first.metadata.remainingItemCount).toBe(1);
      const second = (
        await call(
          'GET',
          `/api/v1/pods?limit=3&continue=${encodeURIComponent(
            first.metadata.continue,
          )}`,
        )
      ).body;
      expect(names(second)).toEqual(['train-1']);
      expect(second.metadata.continue).toBeUndefined();
      expect(
        (await call('GET', '/api/v1/pods?limit=2&continue=garbage')).status,
      ).toBe(400);
    });

    it('deletes everything in a namespace with the namespace', async () => {
      const res = await call('DELETE', '/api/v1/namespaces/team-a');
      expect(res.body.status.phase).toBe('Terminating');
      expect((await call('GET', '/api/v1/namespaces/team-a')).status).toBe(404);
      expect(names((await call('GET', '/api/v1/pods')).body)).toEqual([
        'db-1',
        'web-1',
        'web-2',
      ]);
      expect(
        (await call('GET', '/api/v1/namespaces/team-a/serviceaccounts/default'))
          .status,
      ).toBe(404);
    });

    it('renders kubectl Tables for pods', async () => {
      const res = await call('GET', '/api/v1/namespaces/default/pods', {
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      });
      expect(res.body.kind).toBe('Table');
      expect(
        res.body.columnDefinitions.slice(0, 5).map((c: any) => c.name),
      ).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
      // READY counts ready containerStatuses; these pods have none.
      expect(res.body.rows[0].cells.slice(0, 4)).toEqual([
        'db-1',
        '0/1',
        'Running',
        '0',
      ]);
      expect(res.body.rows[0].object).toMatchObject({
        kind: 'PartialObjectMetadata',
        metadata: { name: 'db-1' },
      });
    });
  });

  it('renders Tables for nodes, namespaces and deployments', async () => {
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'gpu-1',
        labels: { 'node-role.kubernetes.io/worker': '' },
      },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        nodeInfo: { kubeletVersion: 'v1.30.6' },
      },
    });
    const table = 'application/json;as=Table;v=v1;g=meta.k8s.io';
    const nodes = (await call('GET', '/api/v1/nodes', { accept: table })).body;
    expect(
      nodes.columnDefinitions
        .filter((c: any) => c.priority === 0)
        .map((c: any) => c.name),
    ).toEqual(['Name', 'Status', 'Roles', 'Age', 'Version']);
    expect(nodes.rows[0].cells.slice(0, 3)).toEqual([
      'gpu-1',
      'Ready',
      'worker',
    ]);
    expect(nodes.rows[0].cells[4]).toBe('v1.30.6');
    const namespaces = (
      await call('GET', '/api/v1/namespaces', { accept: table })
    ).body;
    expect(namespaces.rows.map((r: any) => r.cells.slice(0, 2))).toContainEqual(
      ['default', 'Active'],
    );
    sim.store.createObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'default' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'api' } },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
        },
      },
    });
    const deployments = (
      await call('GET', '/apis/apps/v1/namespaces/default/deployments/api', {
        accept: table,
      })
    ).body;
    expect(
      deployments.columnDefinitions.slice(0, 4).map((c: any) => c.name),
    ).toEqual(['Name', 'Ready', 'Up-to-date', 'Available']);
    expect(deployments.rows[0].cells.slice(0, 4)).toEqual(['api', '0/2', 0, 0]);
  });

  describe('custom resource definitions', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gpuquotas.fleet.example.com' },
      spec: {
        group: 'fleet.example.com',
        scope: 'Namespaced',
        names: {
          plural: 'gpuquotas',
          singular: 'gpuquota',
          kind: 'GpuQuota',
          shortNames: ['gq'],
        },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            additionalPrinterColumns: [
              { name: 'GPUs', type: 'integer', jsonPath: '.spec.gpus' },
            ],
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    required: ['gpus'],
                    properties: { gpus: { type: 'integer' } },
                  },
                },
              },
            },
          },
        ],
      },
    };
    const quota = (name: string, spec: unknown) => ({
      apiVersion: 'fleet.example.com/v1',
      kind: 'GpuQuota',
      metadata: { name },
      spec,
    });

    it('makes a registered CRD servable, discoverable and validated, and removes it on delete', async () => {
      expect(
        (
          await call(
            'GET',
            '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
          )
        ).status,
      ).toBe(404);
      const created = await call(
        'POST',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        { body: crd },
      );
      expect(created.status).toBe(201);
      expect(created.body.status.conditions).toContainEqual(
        expect.objectContaining({ type: 'Established', status: 'True' }),
      );

      const groups = (await call('GET', '/apis')).body.groups.map(
        (g: any) => g.name,
      );
      expect(groups).toContain('fleet.example.com');
      expect(
        (await call('GET', '/apis/fleet.example.com/v1')).body.resources[0],
      ).toMatchObject({
        name: 'gpuquotas',
        kind: 'GpuQuota',
        shortNames: ['gq'],
      });

      const cr = await call(
        'POST',
        '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
        { body: quota('team-a', { gpus: 16 }) },
      );
      expect(cr.status).toBe(201);
      expect(cr.body.metadata.generation).toBe(1);
      const list = (
        await call(
          'GET',
          '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
        )
      ).body;
      expect(list).toMatchObject({
        kind: 'GpuQuotaList',
        items: [{ apiVersion: 'fleet.example.com/v1', kind: 'GpuQuota' }],
      });
      const table = (
        await call(
          'GET',
          '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
          { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
        )
      ).body;
      expect(table.columnDefinitions.map((c: any) => c.name)).toEqual([
        'Name',
        'GPUs',
        'Age',
      ]);
      expect(table.rows[0].cells.slice(0, 2)).toEqual(['team-a', 16]);

      const invalid = await call(
        'POST',
        '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
        { body: quota('bad', { gpus: 'many' }) },
      );
      expect(invalid.status).toBe(422);
      expect(invalid.body.details.causes[0].field).toBe('spec.gpus');
      const missing = await call(
        'POST',
        '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
        { body: quota('bad', {}) },
      );
      expect(missing.body.details.causes).toEqual([
        {
          reason: 'FieldValueRequired',
          message: 'Required value',
          field: 'spec.gpus',
        },
      ]);

      await call(
        'DELETE',
        '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gpuquotas.fleet.example.com',
      );
      expect(
        (
          await call(
            'GET',
            '/apis/fleet.example.com/v1/namespaces/default/gpuquotas',
          )
        ).status,
      ).toBe(404);
      expect(
        (await call('GET', '/apis')).body.groups.map((g: any) => g.name),
      ).not.toContain('fleet.example.com');
    });

    it('serves Kubeflow MPIJobs from the preinstalled CRD', async () => {
      const job = {
        apiVersion: 'kubeflow.org/v2beta1',
        kind: 'MPIJob',
        metadata: { name: 'nccl-tests' },
        spec: {
          slotsPerWorker: 8,
          mpiReplicaSpecs: {
            Launcher: {
              replicas: 1,
              template: {
                spec: { containers: [{ name: 'launcher', image: 'mpi' }] },
              },
            },
            Worker: {
              replicas: 2,
              template: {
                spec: { containers: [{ name: 'worker', image: 'mpi' }] },
              },
            },
          },
        },
      };
      expect(
        (
          await call(
            'POST',
            '/apis/kubeflow.org/v2beta1/namespaces/default/mpijobs',
            { body: job },
          )
        ).status,
      ).toBe(201);
      const bad = await call(
        'POST',
        '/apis/kubeflow.org/v2beta1/namespaces/default/mpijobs',
        {
          body: {
            ...job,
            metadata: { name: 'no-replicas' },
            spec: { slotsPerWorker: 8 },
          },
        },
      );
      expect(bad.status).toBe(422);
      expect(bad.body.details.causes[0].field).toBe('spec.mpiReplicaSpecs');
    });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  Person,
  PEOPLE,
  startPolicyFleet,
} from './__testUtils__/startPolicyFleet';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

type Target = 'own' | 'foreign';
/** Who may, by role: the default RBAC the README documents. */
const AT_LEAST: Record<string, Person[]> = {
  viewer: ['fleetAdmin', 'workspaceAdmin', 'deployer', 'viewer'],
  deployer: ['fleetAdmin', 'workspaceAdmin', 'deployer'],
  admin: ['fleetAdmin', 'workspaceAdmin'],
  fleetAdmin: ['fleetAdmin'],
  everyone: ['fleetAdmin', 'workspaceAdmin', 'deployer', 'viewer', 'nobody'],
};
const PERSONS = Object.keys(PEOPLE) as Person[];

/** Allowed in its own workspace for `own`; only fleet admins in a foreign one. */
function expected(role: string, person: Person, target: Target) {
  if (target === 'foreign' && role !== 'everyone')
    return person === 'fleetAdmin';
  return AT_LEAST[role].includes(person);
}

describe.each(databases.eachSupportedId())(
  'default RBAC on %s',
  (databaseId: TestDatabaseId) => {
    let fleet: Awaited<ReturnType<typeof startPolicyFleet>>;
    let dir: string;
    const ns: Record<Target, string> = {
      own: 'ml-inference',
      foreign: 'other-team',
    };

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-fleet-rbac-'));
      fleet = await startPolicyFleet(await databases.init(databaseId), dir);
      const { call, as } = fleet;
      for (const [name, members] of [
        [
          ns.own,
          [
            { ref: PEOPLE.workspaceAdmin.ref, role: 'admin' },
            { ref: 'group:default/ml-research', role: 'deployer' },
            { ref: PEOPLE.viewer.ref, role: 'viewer' },
          ],
        ],
        [ns.foreign, []],
      ] as const) {
        const res = await call('POST', '/workspaces', as.fleetAdmin, {
          name,
          cluster: 'eks-p5',
          gpuQuota: [{ gpuType: 'H100', count: 8 }],
          members,
        });
        if (res.status !== 201) {
          throw new Error(
            `workspace ${name}: ${res.status} ${await res.text()}`,
          );
        }
      }
      // A pod to read logs of, and a Secret, in each namespace.
      for (const namespace of Object.values(ns)) {
        for (const [kind, body] of [
          [
            'pods',
            {
              apiVersion: 'v1',
              kind: 'Pod',
              metadata: { name: 'p' },
              spec: { containers: [{ name: 'c', image: 'busybox' }] },
            },
          ],
          [
            'secrets',
            {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: 's' },
              data: {},
            },
          ],
        ] as const) {
          const res = await call(
            'POST',
            `/clusters/eks-p5/proxy/api/v1/namespaces/${namespace}/${kind}`,
            as.fleetAdmin,
            body,
          );
          if (res.status !== 201) {
            throw new Error(`${kind} in ${namespace}: ${res.status}`);
          }
        }
      }
    });

    afterAll(async () => {
      await fleet?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    let serial = 0;
    // Each proxy verb class, as kubectl sends it, with who may.
    const proxyCases: Array<{
      what: string;
      role: string;
      request: (namespace: string) => [string, string, unknown?];
    }> = [
      {
        what: 'list pods',
        role: 'viewer',
        request: n => ['GET', `/api/v1/namespaces/${n}/pods`],
      },
      {
        what: 'get a pod',
        role: 'viewer',
        request: n => ['GET', `/api/v1/namespaces/${n}/pods/p`],
      },
      {
        what: 'watch pods',
        role: 'viewer',
        request: n => [
          'GET',
          `/api/v1/namespaces/${n}/pods?watch=1&timeoutSeconds=1`,
        ],
      },
      {
        what: 'read pod logs',
        role: 'viewer',
        request: n => ['GET', `/api/v1/namespaces/${n}/pods/p/log`],
      },
      {
        what: 'create a ConfigMap',
        role: 'deployer',
        request: n => [
          'POST',
          `/api/v1/namespaces/${n}/configmaps`,
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `cm-${(serial += 1)}` },
          },
        ],
      },
      {
        what: 'server-side apply a Deployment',
        role: 'deployer',
        request: n => [
          'PATCH',
          `/apis/apps/v1/namespaces/${n}/deployments/web?fieldManager=test`,
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'web' },
            spec: {
              selector: { matchLabels: { a: 'b' } },
              template: {
                metadata: { labels: { a: 'b' } },
                spec: { containers: [{ name: 'c', image: 'x' }] },
              },
            },
          },
        ],
      },
      {
        what: 'delete a ConfigMap',
        role: 'deployer',
        request: n => ['DELETE', `/api/v1/namespaces/${n}/configmaps/absent`],
      },
      {
        what: 'list Secrets',
        role: 'admin',
        request: n => ['GET', `/api/v1/namespaces/${n}/secrets`],
      },
      {
        what: 'read a Secret',
        role: 'admin',
        request: n => ['GET', `/api/v1/namespaces/${n}/secrets/s`],
      },
      {
        what: 'create a RoleBinding',
        role: 'admin',
        request: n => [
          'POST',
          `/apis/rbac.authorization.k8s.io/v1/namespaces/${n}/rolebindings`,
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: `rb-${(serial += 1)}` },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'view',
            },
            subjects: [],
          },
        ],
      },
      {
        what: 'exec into a pod',
        role: 'admin',
        request: n => [
          'POST',
          `/api/v1/namespaces/${n}/pods/p/exec?command=sh`,
        ],
      },
    ];

    const clusterScoped: Array<{
      what: string;
      role: string;
      request: [string, string, unknown?];
    }> = [
      {
        what: 'list nodes',
        role: 'everyone',
        request: ['GET', '/api/v1/nodes'],
      },
      {
        what: 'list namespaces',
        role: 'everyone',
        request: ['GET', '/api/v1/namespaces'],
      },
      { what: 'discovery', role: 'everyone', request: ['GET', '/apis'] },
      {
        what: 'list pods in all namespaces',
        role: 'fleetAdmin',
        request: ['GET', '/api/v1/pods'],
      },
      {
        what: 'watch pods in all namespaces',
        role: 'fleetAdmin',
        request: ['GET', '/api/v1/pods?watch=1&timeoutSeconds=1'],
      },
      {
        what: 'list ClusterRoles',
        role: 'fleetAdmin',
        request: ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles'],
      },
      {
        what: 'create a namespace',
        role: 'fleetAdmin',
        request: [
          'POST',
          '/api/v1/namespaces',
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rogue' } },
        ],
      },
      {
        what: 'delete a node',
        role: 'fleetAdmin',
        request: ['DELETE', '/api/v1/nodes/absent'],
      },
    ];

    async function proxied(
      person: Person,
      [method, route, body]: [string, string, unknown?],
    ) {
      const res = await fleet.call(
        method,
        `/clusters/eks-p5/proxy${route}`,
        fleet.as[person],
        body,
      );
      const text = await res.text();
      return { status: res.status, text };
    }

    it.each(
      proxyCases.flatMap(c =>
        (['own', 'foreign'] as Target[]).map(t => [c.what, t, c] as const),
      ),
    )(
      'proxy: %s in the %s workspace namespace, for every role',
      async (_what, target, testCase) => {
        for (const person of PERSONS) {
          const { status, text } = await proxied(
            person,
            testCase.request(ns[target]),
          );
          const allowed = expected(testCase.role, person, target);
          // Allowed: the cluster answered (whatever it said); refused: our Status 403.
          const refusal = status === 403 ? JSON.parse(text) : undefined;
          expect({
            person,
            refused: status === 403 || status === 401,
            kind: refusal?.kind,
          }).toEqual({
            person,
            refused: !allowed,
            kind: allowed ? undefined : 'Status',
          });
        }
      },
    );

    it.each(clusterScoped.map(c => [c.what, c] as const))(
      'proxy: %s at the cluster scope, for every role',
      async (_what, testCase) => {
        for (const person of PERSONS) {
          const { status, text } = await proxied(person, testCase.request);
          const allowed = AT_LEAST[testCase.role].includes(person);
          const refusal = status === 403 ? JSON.parse(text) : undefined;
          // A refused member is told where they may go instead.
          const member = ['workspaceAdmin', 'deployer', 'viewer'].includes(
            person,
          );
          expect({
            person,
            refused: status === 403,
            kind: refusal?.kind,
            pointsToOwn: refusal?.message.includes('"ml-inference"'),
            namesForeign: refusal?.message.includes('other-team'),
          }).toEqual({
            person,
            refused: !allowed,
            kind: allowed ? undefined : 'Status',
            pointsToOwn: allowed ? undefined : member,
            namesForeign: allowed ? undefined : false,
          });
        }
      },
    );

    it('refuses every route and the proxy without a valid token', async () => {
      const routes: Array<[string, string]> = [
        ['GET', '/workspaces'],
        ['POST', '/workspaces'],
        ['GET', `/workspaces/${ns.own}`],
        ['PATCH', `/workspaces/${ns.own}`],
        ['DELETE', `/workspaces/${ns.own}`],
        ['GET', `/workspaces/${ns.own}/namespace`],
        ['GET', '/clusters'],
        ['GET', '/clusters/eks-p5'],
        ['GET', '/clusters/eks-p5/kubeconfig'],
        ['POST', '/clusters/eks-p5/token/rotate'],
        ['GET', '/capacity'],
        ['GET', `/clusters/eks-p5/proxy/api/v1/namespaces/${ns.own}/pods`],
      ];
      for (const [method, route] of routes) {
        for (const authorization of [
          undefined,
          fleet.refused.forged,
          fleet.refused.expired,
        ]) {
          const res = await fleet.call(
            method,
            route,
            authorization,
            method === 'GET' ? undefined : {},
          );
          expect({ method, route, status: res.status }).toEqual({
            method,
            route,
            status: 401,
          });
        }
      }
    });

    it('reads a workspace and its namespace only as a member (or fleet admin)', async () => {
      for (const target of ['own', 'foreign'] as Target[]) {
        for (const person of PERSONS) {
          for (const route of [
            `/workspaces/${ns[target]}`,
            `/workspaces/${ns[target]}/namespace`,
          ]) {
            const res = await fleet.call('GET', route, fleet.as[person]);
            const allowed = expected('viewer', person, target);
            expect({ person, route, status: res.status }).toEqual({
              person,
              route,
              status: allowed ? 200 : 403,
            });
          }
        }
      }
    });

    it('lists only the workspaces the caller may read, filtered in the database', async () => {
      const seen: Record<string, string[]> = {};
      for (const person of PERSONS) {
        const res = await fleet.call('GET', '/workspaces', fleet.as[person]);
        expect(res.status).toBe(200);
        const body = await res.json();
        seen[person] = body.items.map((w: any) => w.name);
        expect(body.totalCount).toBe(body.items.length);
      }
      expect(seen).toEqual({
        fleetAdmin: ['ml-inference', 'other-team'],
        workspaceAdmin: ['ml-inference'],
        deployer: ['ml-inference'],
        viewer: ['ml-inference'],
        nobody: [],
      });
    });

    it('tells each member what they may do in the workspace', async () => {
      const access: Record<string, unknown> = {};
      for (const person of [
        'workspaceAdmin',
        'deployer',
        'viewer',
      ] as Person[]) {
        const res = await fleet.call(
          'GET',
          `/workspaces/${ns.own}`,
          fleet.as[person],
        );
        access[person] = (await res.json()).access;
      }
      expect(access).toEqual({
        workspaceAdmin: {
          read: true,
          deploy: true,
          administer: true,
          delete: false,
        },
        deployer: {
          read: true,
          deploy: true,
          administer: false,
          delete: false,
        },
        viewer: { read: true, deploy: false, administer: false, delete: false },
      });
    });

    it('lets only workspace admins change a workspace, and writes nothing for the others', async () => {
      for (const target of ['own', 'foreign'] as Target[]) {
        for (const person of PERSONS) {
          const description = `changed by ${person}`;
          const res = await fleet.call(
            'PATCH',
            `/workspaces/${ns[target]}`,
            fleet.as[person],
            { description },
          );
          const allowed = expected('admin', person, target);
          expect({ person, target, status: res.status }).toEqual({
            person,
            target,
            status: allowed ? 200 : 403,
          });
          const after = await (
            await fleet.call(
              'GET',
              `/workspaces/${ns[target]}`,
              fleet.as.fleetAdmin,
            )
          ).json();
          expect({
            person,
            target,
            written: after.description === description,
          }).toEqual({
            person,
            target,
            written: allowed,
          });
        }
      }
    });

    it('counts a change of members at once, although the proxy remembers decisions and workspaces', async () => {
      const pods = `/clusters/eks-p5/proxy/api/v1/namespaces/${ns.own}/pods`;
      const viewerReads = async () =>
        (await fleet.call('GET', pods, fleet.as.viewer)).status;
      expect(await viewerReads()).toBe(200);
      const before = await (
        await fleet.call('GET', `/workspaces/${ns.own}`, fleet.as.fleetAdmin)
      ).json();
      const without = before.members.filter(
        (m: any) => m.ref !== PEOPLE.viewer.ref,
      );
      const patch = (members: unknown) =>
        fleet.call('PATCH', `/workspaces/${ns.own}`, fleet.as.fleetAdmin, {
          members,
        });
      expect((await patch(without)).status).toBe(200);
      expect(await viewerReads()).toBe(403);
      expect((await patch(before.members)).status).toBe(200);
      expect(await viewerReads()).toBe(200);
    });

    it('answers kubectl auth can-i with GPU Fleet decisions for the caller, not the agent', async () => {
      const review = async (person: Person, resourceAttributes: object) => {
        const res = await fleet.call(
          'POST',
          '/clusters/eks-p5/proxy/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          fleet.as[person],
          {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes },
          },
        );
        const body = await res.json();
        return { status: res.status, allowed: body.status?.allowed };
      };
      const createPods = {
        verb: 'create',
        resource: 'pods',
        namespace: ns.own,
      };
      const listPods = { verb: 'list', resource: 'pods', namespace: ns.own };
      const allPods = { verb: 'list', resource: 'pods' };
      expect({
        viewerList: await review('viewer', listPods),
        viewerCreate: await review('viewer', createPods),
        deployerCreate: await review('deployer', createPods),
        deployerForeign: await review('deployer', {
          ...listPods,
          namespace: ns.foreign,
        }),
        deployerAll: await review('deployer', allPods),
        adminAll: await review('fleetAdmin', allPods),
      }).toEqual({
        viewerList: { status: 201, allowed: true },
        viewerCreate: { status: 201, allowed: false },
        deployerCreate: { status: 201, allowed: true },
        deployerForeign: { status: 201, allowed: false },
        deployerAll: { status: 201, allowed: false },
        adminAll: { status: 201, allowed: true },
      });
      const malformed = await fleet.call(
        'POST',
        '/clusters/eks-p5/proxy/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        fleet.as.viewer,
        {
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { verb: 'fly' } },
        },
      );
      expect(malformed.status).toBe(400);
    });

    it('records every proxied write in the audit log with its user, and no refused one', async () => {
      const cms = `/clusters/eks-p5/proxy/api/v1/namespaces/${ns.own}/configmaps`;
      const configMap = (name: string) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name },
      });
      expect(
        (await fleet.call('POST', cms, fleet.as.deployer, configMap('by-bob')))
          .status,
      ).toBe(201);
      expect(
        (await fleet.call('POST', cms, fleet.as.viewer, configMap('by-carol')))
          .status,
      ).toBe(403);
      const entries = async () =>
        (
          await (
            await fleet.call(
              'GET',
              '/clusters/eks-p5/audit?limit=500',
              fleet.as.fleetAdmin,
            )
          ).json()
        ).items as Array<{ actor: string; action: string; details: any }>;
      // Written once the answer has gone out: wait for it a little.
      let writes: Awaited<ReturnType<typeof entries>> = [];
      for (let i = 0; i < 50; i++) {
        writes = (await entries()).filter(e => e.action === 'kube.create');
        if (writes.some(e => e.actor === PEOPLE.deployer.ref)) break;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(
        writes.find(
          e => e.details.path === cms.replace('/clusters/eks-p5/proxy', ''),
        ),
      ).toBeDefined();
      expect(
        writes
          .filter(e => e.actor === PEOPLE.deployer.ref)
          .map(e => e.details)
          .pop(),
      ).toEqual({
        path: `/api/v1/namespaces/${ns.own}/configmaps`,
        namespace: ns.own,
        resource: 'configmaps',
        name: null,
        workspace: ns.own,
        status: 201,
        callerLeft: false,
      });
      expect(writes.some(e => e.actor === PEOPLE.viewer.ref)).toBe(false);
    });

    it('lets only fleet admins create and delete workspaces', async () => {
      for (const person of PERSONS.filter(p => p !== 'fleetAdmin')) {
        const create = await fleet.call(
          'POST',
          '/workspaces',
          fleet.as[person],
          { name: `by-${person.toLowerCase()}`, cluster: 'eks-p5' },
        );
        expect({ person, status: create.status }).toEqual({
          person,
          status: 403,
        });
        const remove = await fleet.call(
          'DELETE',
          `/workspaces/${ns.own}`,
          fleet.as[person],
        );
        expect({ person, status: remove.status }).toEqual({
          person,
          status: 403,
        });
      }
      const list = await (
        await fleet.call('GET', '/workspaces', fleet.as.fleetAdmin)
      ).json();
      expect(list.items.map((w: any) => w.name)).toEqual([
        'ml-inference',
        'other-team',
      ]);

      const made = await fleet.call(
        'POST',
        '/workspaces',
        fleet.as.fleetAdmin,
        { name: 'scratch', cluster: 'eks-p5' },
      );
      expect(made.status).toBe(201);
      const gone = await fleet.call(
        'DELETE',
        '/workspaces/scratch',
        fleet.as.fleetAdmin,
      );
      expect(gone.status).toBe(204);
    });

    it('lets only fleet admins attach, change and rotate clusters; everyone reads them', async () => {
      for (const person of PERSONS) {
        const admin = person === 'fleetAdmin';
        const read = await fleet.call(
          'GET',
          '/clusters/eks-p5',
          fleet.as[person],
        );
        // The audit log names objects in every workspace: admins only.
        const audit = await fleet.call(
          'GET',
          '/clusters/eks-p5/audit',
          fleet.as[person],
        );
        expect({ person, audit: audit.status }).toEqual({
          person,
          audit: admin ? 200 : 403,
        });
        expect({ person, status: read.status }).toEqual({
          person,
          status: 200,
        });
        const attach = await fleet.call('POST', '/clusters', fleet.as[person], {
          name: `spare-${person.toLowerCase()}`,
          provider: 'generic',
        });
        expect({ person, status: attach.status }).toEqual({
          person,
          status: admin ? 201 : 403,
        });
        for (const [method, route, body] of [
          ['PATCH', `/clusters/spare-fleetadmin`, { description: person }],
          ['POST', `/clusters/spare-fleetadmin/token/rotate`, undefined],
          ['POST', `/clusters/spare-fleetadmin/token/revoke`, undefined],
        ] as const) {
          if (admin) continue;
          const res = await fleet.call(method, route, fleet.as[person], body);
          expect({ person, route, status: res.status }).toEqual({
            person,
            route,
            status: 403,
          });
        }
        const detach = await fleet.call(
          'DELETE',
          '/clusters/spare-fleetadmin',
          fleet.as[person],
        );
        expect({ person, status: detach.status }).toEqual({
          person,
          status: admin ? 200 : 403,
        });
      }
    });
  },
);

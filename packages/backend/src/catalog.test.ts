import path from 'node:path';
import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  pluginDatabaseFactory,
  TestUserTokens,
} from '@gpu-fleet/plugin-gpu-fleet-node/testUtils';

const examples = path.resolve(__dirname, '../../../examples/catalog');

const EXPECTED = [
  'Component:llama-3-8b-chat',
  'Group:finance',
  'Group:llm-team',
  'Group:ml-observers',
  'Group:ml-platform',
  'Group:ml-research',
  'System:gpu-fleet',
  'User:alice',
  'User:bob',
  'User:carol',
  'User:dave',
  'User:guest',
];

// The portal's catalog must work on the embedded default and in production.
describe('the portal catalog', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'ingests the example entities on %s',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // A signed-in user's real token, verified by Backstage's own auth.
      const tokens = await TestUserTokens.create();
      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          ...tokens.backendFeatures(),
          pluginDatabaseFactory('catalog', knex),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                rules: [
                  {
                    allow: ['Component', 'System', 'Group', 'User', 'Location'],
                  },
                ],
                locations: ['org.yaml', 'system.yaml'].map(file => ({
                  type: 'file',
                  target: path.join(examples, file),
                })),
              },
            },
          }),
        ],
      });

      const url = `http://localhost:${backend.server.port()}/api/catalog/entities/by-query?limit=100`;
      const headers = {
        Authorization: `Bearer ${await tokens.token('user:default/guest')}`,
      };
      let names: string[] = [];
      for (
        let attempt = 0;
        attempt < 120 && names.length < EXPECTED.length;
        attempt++
      ) {
        const response = await fetch(url, { headers });
        expect(response.status).toBe(200);
        const body = await response.json();
        names = body.items
          .filter((e: any) => e.kind !== 'Location')
          .map((e: any) => `${e.kind}:${e.metadata.name}`)
          .sort();
        if (names.length < EXPECTED.length)
          await new Promise(r => setTimeout(r, 500));
      }
      await backend.stop();

      expect(names).toEqual(EXPECTED);
    },
    90_000,
  );

  it('runs on both SQLite and PostgreSQL', () => {
    // Without the connection string the PostgreSQL case would silently vanish.
    expect(databases.eachSupportedId().map(([id]) => id)).toEqual([
      'SQLITE_3',
      'POSTGRES_15',
    ]);
  });
});

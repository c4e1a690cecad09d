import { mockServices } from '@backstage/backend-test-utils';
import { DEFAULT_SCHEDULE, readGpuFleetProviderConfig } from './providerConfig';

type ConfigData = NonNullable<
  Parameters<typeof mockServices.rootConfig>[0]
>['data'];

const read = (data: ConfigData) =>
  readGpuFleetProviderConfig(mockServices.rootConfig({ data }));

describe('readGpuFleetProviderConfig', () => {
  it('links to the app and gives clusters to the first fleet admin by default', () => {
    expect(
      read({
        app: { baseUrl: 'http://localhost:3000/' },
        gpuFleet: { admins: ['ml-platform', 'user:default/alice'] },
      }),
    ).toEqual({
      schedule: DEFAULT_SCHEDULE,
      portalUrl: 'http://localhost:3000/gpu-fleet',
      clusterOwner: 'group:default/ml-platform',
    });
  });

  it('takes the schedule, portal URL and owner from catalog.providers.gpuFleet', () => {
    expect(
      read({
        app: { baseUrl: 'http://localhost:3000' },
        gpuFleet: { admins: ['group:default/ml-platform'] },
        catalog: {
          providers: {
            gpuFleet: {
              schedule: { frequency: { hours: 1 }, timeout: { minutes: 2 } },
              portalUrl: 'https://portal.example.com/fleet/',
              clusterOwner: 'group:infra/sre',
            },
          },
        },
      }),
    ).toEqual({
      schedule: { frequency: { hours: 1 }, timeout: { minutes: 2 } },
      portalUrl: 'https://portal.example.com/fleet',
      clusterOwner: 'group:infra/sre',
    });
  });

  it('leaves cluster ownership to whoever attached it when nobody is configured', () => {
    expect(read({ app: { baseUrl: 'http://x' } }).clusterOwner).toBeUndefined();
  });

  it('names the key of an owner that is not an entity ref', () => {
    expect(() =>
      read({
        app: { baseUrl: 'http://x' },
        catalog: { providers: { gpuFleet: { clusterOwner: 'group:' } } },
      }),
    ).toThrow(/catalog.providers.gpuFleet.clusterOwner/);
  });
});

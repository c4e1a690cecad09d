import request from 'supertest';
import { JsonObject } from '@backstage/types';
import { startFleetBackend } from '../__testUtils__/startFleetBackend';

jest.setTimeout(60_000);

async function attachWith(gpuFleet: JsonObject) {
  const fleet = await startFleetBackend({
    config: { backend: { baseUrl: 'http://localhost:7007/' }, gpuFleet },
  });
  const response = await request(fleet.server)
    .post('/api/gpu-fleet/clusters')
    .set('Authorization', fleet.as.alice)
    .send({ name: 'fs-b200', provider: 'fluidstack' });
  expect(response.status).toBe(201);
  return response.body;
}

describe('the attach response on the local default (gpuFleet.demo.clusterCommand)', () => {
  it('offers the simulated cluster, with the portal its agent dials, when the key is on', async () => {
    const body = await attachWith({ demo: { clusterCommand: true } });
    expect(body.demoCluster).toEqual({ portalUrl: 'http://localhost:7007' });
    expect(body.token).toMatch(/^gfct_/);
  });

  it.each([
    ['off', { demo: { clusterCommand: false } }],
    ['unset', {}],
  ])('leaves it out when the key is %s', async (_, gpuFleet) => {
    const body = await attachWith(gpuFleet);
    expect(body).not.toHaveProperty('demoCluster');
    expect(body.install.command).toContain('helm upgrade --install');
  });
});

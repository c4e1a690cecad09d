import http from 'node:http';
import { RunningSimulator, startSimulator } from './startSimulator';
import { request } from './testing/httpClient';

describe('pod logs', () => {
  let sim: RunningSimulator;

  beforeEach(async () => {
    sim = await startSimulator({ port: 0 });
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer', namespace: 'default' },
      spec: {
        containers: [
          { name: 'main', image: 'pytorch' },
          { name: 'sidecar', image: 'fluent-bit' },
        ],
      },
    });
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'solo', namespace: 'default' },
      spec: { containers: [{ name: 'only', image: 'busybox' }] },
    });
  });

  afterEach(async () => {
    await sim.close();
  });

  const logs = (pod: string, query = '') =>
    request(
      sim.url,
      'GET',
      `/api/v1/namespaces/default/pods/${pod}/log${query}`,
    );

  it('serves appended lines per container with tailLines and timestamps', async () => {
    for (let i = 1; i <= 5; i++) {
      sim.appendPodLog('default', 'trainer', 'main', `step ${i}`);
    }
    sim.appendPodLog('default', 'trainer', 'sidecar', 'shipping logs');
    sim.appendPodLog('default', 'solo', undefined, 'hello\nworld');

    const all = await logs('trainer', '?container=main');
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toBe('text/plain');
    expect(all.body).toBe('step 1\nstep 2\nstep 3\nstep 4\nstep 5\n');
    expect((await logs('trainer', '?container=main&tailLines=2')).body).toBe(
      'step 4\nstep 5\n',
    );
    expect((await logs('trainer', '?container=sidecar')).body).toBe(
      'shipping logs\n',
    );
    expect((await logs('solo')).body).toBe('hello\nworld\n');
    const stamped = await logs('solo', '?timestamps=true&tailLines=1');
    expect(stamped.body).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z world\n$/,
    );
    expect((await logs('solo', '?limitBytes=3')).body).toBe('hel');
  });

  it('reports missing pods, ambiguous and unknown containers like the real server', async () => {
    expect((await logs('nope')).body).toMatchObject({
      code: 404,
      message: 'pods "nope" not found',
    });
    const ambiguous = await logs('trainer');
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.message).toBe(
      'a container name must be specified for pod trainer, choose one of: [main sidecar]',
    );
    const unknown = await logs('trainer', '?container=gpu');
    expect(unknown.body.message).toBe(
      'container gpu is not valid for pod trainer',
    );
    expect(() => sim.appendPodLog('default', 'nope', 'main', 'x')).toThrow(
      'pods "nope" not found',
    );
  });

  it('follows new lines until the pod is deleted', async () => {
    sim.appendPodLog('default', 'solo', 'only', 'before');
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      http
        .get(
          `${sim.url}/api/v1/namespaces/default/pods/solo/log?follow=true`,
          res => {
            res.setEncoding('utf8');
            res.on('data', chunk => received.push(chunk));
            res.on('end', () => resolve());
          },
        )
        .on('error', reject);
    });
    while (received.join('') !== 'before\n') {
      await new Promise(r => setTimeout(r, 5));
    }
    sim.appendPodLog('default', 'solo', 'only', 'after 1');
    sim.appendPodLog('default', 'solo', 'only', 'after 2');
    while (!received.join('').includes('after 2')) {
      await new Promise(r => setTimeout(r, 5));
    }
    sim.store.deleteObject('v1', 'Pod', 'solo', 'default');
    await done;
    expect(received.join('')).toBe('before\nafter 1\nafter 2\n');
  });
});

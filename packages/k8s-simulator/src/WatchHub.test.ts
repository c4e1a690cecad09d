import net from 'node:net';
import {
  RunningSimulator,
  SimulatorOptions,
  startSimulator,
} from './startSimulator';
import { openWatch, request, WatchStream } from './testing/httpClient';

const configMap = (
  name: string,
  data: Record<string, string> = {},
  labels?: Record<string, string>,
) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
  data,
});

describe('watch', () => {
  let sim: RunningSimulator;
  const streams: WatchStream[] = [];

  async function start(options: SimulatorOptions = {}) {
    sim = await startSimulator({ port: 0, ...options });
  }

  async function watch(path: string, headers?: Record<string, string>) {
    const stream = await openWatch(sim.url, path, headers);
    streams.push(stream);
    return stream;
  }

  afterEach(async () => {
    streams.splice(0).forEach(s => s.close());
    await sim.close();
  });

  it('streams ADDED, MODIFIED and DELETED after the listed resourceVersion', async () => {
    await start();
    sim.store.createObject(configMap('before'));
    const list = await request(
      sim.url,
      'GET',
      '/api/v1/namespaces/default/configmaps',
    );
    const stream = await watch(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${list.body.metadata.resourceVersion}`,
    );
    expect(stream.statusCode).toBe(200);

    sim.store.createObject(configMap('cfg', { a: '1' }));
    sim.store.patchObject('v1', 'ConfigMap', 'cfg', 'default', {
      data: { a: '2' },
    });
    sim.store.deleteObject('v1', 'ConfigMap', 'cfg', 'default');

    const events = await stream.waitForEvents(3);
    expect(events.map(e => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[0].object).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
    });
    expect(events[1].object.data).toEqual({ a: '2' });
    const versions = events.map(e => Number(e.object.metadata.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(3);
  });

  it('sends existing objects as ADDED when no resourceVersion is given', async () => {
    await start();
    sim.store.createObject(configMap('one'));
    sim.store.createObject(configMap('two'));
    const stream = await watch(
      '/api/v1/namespaces/default/configmaps?watch=true',
    );
    const events = await stream.waitForEvents(2);
    expect(events.map(e => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'one'],
      ['ADDED', 'two'],
    ]);
  });

  it('replays history when resuming from an older resourceVersion', async () => {
    await start();
    const first = sim.store.createObject(configMap('a'));
    sim.store.createObject(configMap('b'));
    sim.store.createObject(configMap('c'));
    const stream = await watch(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${first.metadata.resourceVersion}`,
    );
    const events = await stream.waitForEvents(2);
    expect(events.map(e => e.object.metadata.name)).toEqual(['b', 'c']);
  });

  it('answers a resourceVersion older than the history window with a 410 ERROR event', async () => {
    await start({ watchHistorySize: 5 });
    const first = sim.store.createObject(configMap('cm-0'));
    for (let i = 1; i < 12; i++) {
      sim.store.createObject(configMap(`cm-${i}`));
    }
    const stream = await watch(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${first.metadata.resourceVersion}`,
    );
    const [event] = await stream.waitForEvents(1);
    expect(event.type).toBe('ERROR');
    expect(event.object).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(event.object.message).toMatch(
      /^too old resource version: \d+ \(\d+\)$/,
    );
    await stream.ended;
  });

  it('applies selectors, turning objects that leave or enter the selection into DELETED/ADDED', async () => {
    await start();
    sim.store.createObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'other' },
    });
    const stream = await watch(
      '/api/v1/configmaps?watch=1&resourceVersion=0&labelSelector=gpu%3Dh100',
    );
    const byName = await watch(
      `/api/v1/namespaces/other/configmaps?watch=1&fieldSelector=${encodeURIComponent(
        'metadata.name=x',
      )}`,
    );

    sim.store.createObject(configMap('ignored', {}, { gpu: 'a100' }));
    sim.store.createObject(configMap('x', {}, { gpu: 'h100' }));
    sim.store.createObject({
      ...configMap('x', {}, { gpu: 'h100' }),
      metadata: { name: 'x', namespace: 'other', labels: { gpu: 'h100' } },
    });
    sim.store.patchObject('v1', 'ConfigMap', 'x', 'default', {
      metadata: { labels: { gpu: 'a100' } },
    });
    sim.store.patchObject('v1', 'ConfigMap', 'ignored', 'default', {
      metadata: { labels: { gpu: 'h100' } },
    });

    const events = await stream.waitForEvents(4);
    expect(
      events.map(
        e =>
          `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`,
      ),
    ).toEqual([
      'ADDED default/x',
      'ADDED other/x',
      'DELETED default/x',
      'ADDED default/ignored',
    ]);
    const named = await byName.waitForEvents(1);
    expect(
      named.map(
        e =>
          `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`,
      ),
    ).toEqual(['ADDED other/x']);
  });

  it('ends the stream after timeoutSeconds', async () => {
    await start();
    const startedAt = Date.now();
    const stream = await watch(
      '/api/v1/namespaces/default/pods?watch=1&timeoutSeconds=1',
    );
    await stream.ended;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
  });

  it('sends bookmarks when allowed, and an initial-events-end bookmark for watch-list', async () => {
    await start({ bookmarkIntervalMs: 100 });
    sim.store.createObject(configMap('exists'));
    const stream = await watch(
      '/api/v1/namespaces/default/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
    );
    const events = await stream.waitForEvents(3);
    expect(events[0]).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'exists' } },
    });
    expect(events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
      },
    });
    expect(events[2].type).toBe('BOOKMARK');
    expect(Number(events[2].object.metadata.resourceVersion)).toBeGreaterThan(
      0,
    );
  });

  it('disconnects a watcher that stops reading without holding back the others', async () => {
    await start({ watchBufferLimitBytes: 1024 * 1024 });
    sim.store.createObject(configMap('big'));
    const rv = sim.store.resourceVersion;

    // A raw client that sends the request and then never reads the response.
    const slow = net.connect(sim.port, '127.0.0.1');
    await new Promise<void>(resolve => slow.once('connect', () => resolve()));
    slow.pause();
    slow.write(
      `GET /api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    const fast = await watch(
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}`,
    );
    while (sim.activeWatchCount() < 2) {
      await new Promise(r => setTimeout(r, 5));
    }

    const payload = 'x'.repeat(32 * 1024);
    const updates = 400;
    for (let i = 0; i < updates; i++) {
      sim.store.patchObject('v1', 'ConfigMap', 'big', 'default', {
        data: { payload: `${i}${payload}` },
      });
      await new Promise(r => setTimeout(r, 1));
    }
    const events = await fast.waitForEvents(updates, 10_000);
    expect(events.every(e => e.type === 'MODIFIED')).toBe(true);
    expect(
      events[updates - 1].object.data.payload.startsWith(String(updates - 1)),
    ).toBe(true);
    expect(sim.activeWatchCount()).toBe(1);
    slow.destroy();
  });
});

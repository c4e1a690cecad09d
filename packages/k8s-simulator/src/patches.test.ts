import { jsonMergePatch, jsonPatch, strategicMergePatch } from './patches';

describe('patches', () => {
  const pod = {
    metadata: { labels: { app: 'a', tier: 'x' }, finalizers: ['one'] },
    spec: {
      containers: [
        { name: 'main', image: 'v1', env: [{ name: 'A', value: '1' }] },
        { name: 'sidecar', image: 's1' },
      ],
      tolerations: [{ key: 'a', operator: 'Exists' }],
    },
  };

  it('applies RFC 7386 merge patches, replacing lists and deleting nulls', () => {
    expect(
      jsonMergePatch(pod, {
        metadata: { labels: { tier: null } },
        spec: { containers: [{ name: 'only' }] },
      }),
    ).toEqual({
      metadata: { labels: { app: 'a' }, finalizers: ['one'] },
      spec: {
        containers: [{ name: 'only' }],
        tolerations: pod.spec.tolerations,
      },
    });
  });

  it('merges keyed lists item by item and honours $patch directives', () => {
    const result = strategicMergePatch(pod, {
      metadata: { finalizers: ['two'] },
      spec: {
        '$setElementOrder/containers': [{ name: 'main' }, { name: 'new' }],
        containers: [
          { name: 'main', env: [{ name: 'B', value: '2' }] },
          { name: 'sidecar', $patch: 'delete' },
          { name: 'new', image: 'n1' },
        ],
        tolerations: [{ key: 'b', operator: 'Exists' }],
      },
    }) as any;
    expect(result.metadata.finalizers).toEqual(['one', 'two']);
    expect(result.spec.containers).toEqual([
      {
        name: 'main',
        image: 'v1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'new', image: 'n1' },
    ]);
    // Lists without a merge key are replaced, as in a merge patch.
    expect(result.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    expect(
      strategicMergePatch(pod, {
        metadata: { labels: { $patch: 'replace', only: 'this' } },
      }),
    ).toMatchObject({
      metadata: { labels: { only: 'this' } },
    });
  });

  it('applies RFC 6902 JSON patches and fails on a failed test operation', () => {
    expect(
      jsonPatch(pod, [
        { op: 'replace', path: '/spec/containers/0/image', value: 'v2' },
        { op: 'add', path: '/metadata/labels/new~1key', value: 'y' },
        { op: 'remove', path: '/spec/tolerations' },
        {
          op: 'copy',
          from: '/metadata/labels/app',
          path: '/metadata/labels/copy',
        },
      ]),
    ).toMatchObject({
      metadata: { labels: { app: 'a', 'new/key': 'y', copy: 'a' } },
      spec: { containers: [{ image: 'v2' }, { image: 's1' }] },
    });
    expect(() =>
      jsonPatch(pod, [
        { op: 'test', path: '/metadata/labels/app', value: 'b' },
      ]),
    ).toThrow(/test/);
    expect(() =>
      jsonPatch(pod, [{ op: 'remove', path: '/nope/deeper' }]),
    ).toThrow(/does not exist/);
  });
});

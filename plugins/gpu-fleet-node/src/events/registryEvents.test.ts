import { parseRegistryEvent } from './registryEvents';

describe('parseRegistryEvent', () => {
  it('accepts each kind of change with its name', () => {
    expect(
      parseRegistryEvent({ kind: 'cluster', name: 'eks-p5', action: 'status' }),
    ).toEqual({ kind: 'cluster', name: 'eks-p5', action: 'status' });
    expect(
      parseRegistryEvent({
        kind: 'workspace',
        name: 'ml-inference',
        action: 'deleted',
      }),
    ).toEqual({ kind: 'workspace', name: 'ml-inference', action: 'deleted' });
    expect(
      parseRegistryEvent({
        kind: 'deployment',
        workspace: 'ml-inference',
        name: 'llama',
        action: 'retargeted',
        extra: 'dropped',
      }),
    ).toEqual({
      kind: 'deployment',
      workspace: 'ml-inference',
      name: 'llama',
      action: 'retargeted',
    });
  });

  it.each([
    ['no payload', undefined],
    ['a string', 'cluster eks-p5'],
    ['an unknown kind', { kind: 'node', name: 'n1', action: 'updated' }],
    [
      "another kind's action",
      { kind: 'cluster', name: 'c', action: 'retargeted' },
    ],
    ['no name', { kind: 'workspace', action: 'created' }],
    ['an empty name', { kind: 'cluster', name: '', action: 'attached' }],
    [
      'a deployment without its workspace',
      { kind: 'deployment', name: 'llama', action: 'created' },
    ],
  ])('refuses %s', (_what, payload) => {
    expect(parseRegistryEvent(payload)).toBeUndefined();
  });
});

import {
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('label selectors', () => {
  const labels = { app: 'web', 'nvidia.com/gpu.count': '8', empty: '' };

  it.each([
    ['', true],
    ['app=web', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app notin (web)', false],
    ['nvidia.com/gpu.count', true],
    ['!nvidia.com/gpu.count', false],
    ['nvidia.com/gpu.count>4', true],
    ['nvidia.com/gpu.count<4', false],
    ['empty=', true],
    ['app=web,!missing,nvidia.com/gpu.count in (8)', true],
  ])('%j matches: %s', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(['app in web', 'app=(', 'app in (a', '=x', 'bad key!=x', 'a=b c'])(
    'rejects %j with 400',
    selector => {
      expect(() => parseLabelSelector(selector)).toThrow(
        expect.objectContaining({ code: 400, reason: 'BadRequest' }),
      );
    },
  );
});

describe('field selectors', () => {
  it('parses supported fields and rejects others', () => {
    expect(
      parseFieldSelector('spec.nodeName=n1,status.phase!=Running', [
        'spec.nodeName',
        'status.phase',
      ]),
    ).toEqual([
      { field: 'spec.nodeName', negate: false, value: 'n1' },
      { field: 'status.phase', negate: true, value: 'Running' },
    ]);
    expect(() => parseFieldSelector('spec.nodeName=n1', [])).toThrow(
      'field label not supported: spec.nodeName',
    );
  });
});

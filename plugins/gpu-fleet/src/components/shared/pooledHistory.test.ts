import { pooledHistory } from './pooledHistory';

describe('pooledHistory', () => {
  it('adds series point by point and orders by time', () => {
    expect(
      pooledHistory({
        intervalSeconds: 60,
        series: [
          {
            key: { provider: 'eks' },
            points: [
              { at: '2026-11-23T10:01:00Z', total: 8, allocated: 4, free: 4 },
              { at: '2026-11-23T10:00:00Z', total: 8, allocated: 2, free: 6 },
            ],
          },
          {
            key: { provider: 'oke' },
            points: [
              {
                at: '2026-11-23T10:00:00.000Z',
                total: 16,
                allocated: 16,
                free: 0,
              },
            ],
          },
        ],
      }),
    ).toEqual([
      { at: '2026-11-23T10:00:00Z', total: 24, allocated: 18, free: 6 },
      { at: '2026-11-23T10:01:00Z', total: 8, allocated: 4, free: 4 },
    ]);
  });
});

import { DEFAULT_TUNNEL_SETTINGS, readTunnelSettings } from './tunnelSettings';

describe('readTunnelSettings', () => {
  it('takes flags over the environment', () => {
    const settings = readTunnelSettings(
      ['--get-requests=300', '--concurrency', '2, 8'],
      { BENCH_GET_REQUESTS: '5', BENCH_LIST_REQUESTS: '12' },
    );
    expect(settings).toEqual({
      ...DEFAULT_TUNNEL_SETTINGS,
      getRequests: 300,
      listRequests: 12,
      concurrency: [2, 8],
    });
  });

  it('names the flag or variable that is wrong', () => {
    expect(() => readTunnelSettings([], { BENCH_LIST_OBJECTS: '0' })).toThrow(
      "BENCH_LIST_OBJECTS must be a positive whole number, not '0'",
    );
    expect(() => readTunnelSettings(['--concurrency=4,x'], {})).toThrow(
      "--concurrency must be a positive whole number, not 'x'",
    );
    expect(() => readTunnelSettings(['--requests=4'], {})).toThrow(
      "unknown option '--requests'",
    );
  });
});

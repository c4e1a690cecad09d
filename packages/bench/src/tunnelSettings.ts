/** What one run of the tunnel benchmark does; every figure can be changed by flag or environment. */
export interface TunnelSettings {
  /** Requests per cell for the ~2 KB GET. */
  getRequests: number;
  /** Requests per cell for the ~5 MB LIST. */
  listRequests: number;
  /** Concurrency levels; each gets one cell per request kind and path. */
  concurrency: number[];
  /** ConfigMaps seeded for the LIST (about 2 KB each). */
  listObjects: number;
  /** Where the JSON results go, relative to the working directory. */
  out: string;
}

const OPTIONS = {
  getRequests: { flag: '--get-requests', env: 'BENCH_GET_REQUESTS' },
  listRequests: { flag: '--list-requests', env: 'BENCH_LIST_REQUESTS' },
  concurrency: { flag: '--concurrency', env: 'BENCH_CONCURRENCY' },
  listObjects: { flag: '--list-objects', env: 'BENCH_LIST_OBJECTS' },
  out: { flag: '--out', env: 'BENCH_OUT' },
} as const;

export const DEFAULT_TUNNEL_SETTINGS: TunnelSettings = {
  getRequests: 1000,
  listRequests: 96,
  concurrency: [1, 16, 64],
  listObjects: 2500,
  out: '.data/bench/tunnel.json',
};

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, not '${raw}'`);
  }
  return value;
}

/** Flags (`--get-requests=500` or `--get-requests 500`) win over the environment. */
export function readTunnelSettings(
  argv: string[],
  env: NodeJS.ProcessEnv,
): TunnelSettings {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const known = Object.values(OPTIONS).some(o => o.flag === flag);
    if (!known) {
      const names = Object.values(OPTIONS).map(o => o.flag);
      throw new Error(`unknown option '${flag}'; known: ${names.join(', ')}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    flags.set(flag, value);
  }
  const raw = (key: keyof typeof OPTIONS) => {
    const { flag, env: variable } = OPTIONS[key];
    const value = flags.get(flag) ?? env[variable];
    return value === undefined || value === ''
      ? undefined
      : { name: flags.has(flag) ? flag : variable, value };
  };
  const number = (key: 'getRequests' | 'listRequests' | 'listObjects') => {
    const found = raw(key);
    return found
      ? positive(found.name, found.value)
      : DEFAULT_TUNNEL_SETTINGS[key];
  };
  const levels = raw('concurrency');
  return {
    getRequests: number('getRequests'),
    listRequests: number('listRequests'),
    listObjects: number('listObjects'),
    concurrency: levels
      ? levels.value.split(',').map(v => positive(levels.name, v.trim()))
      : DEFAULT_TUNNEL_SETTINGS.concurrency,
    out: raw('out')?.value ?? DEFAULT_TUNNEL_SETTINGS.out,
  };
}

/** Kubernetes resource quantities (`500m`, `64Gi`, `1e3`, `8`) as numbers of thousandths. */

const SUFFIXES: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY =
  /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/**
 * A quantity in thousandths of its unit (millicores for cpu, millibytes for
 * memory), rounded up like the API server rounds fractions; undefined when it
 * is not a quantity. Thousandths keep `100m` + `900m` exact.
 */
export function parseMilliQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.ceil(value * 1000) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, number, exponent, suffix] = match;
  const scale = exponent
    ? 10 ** Number(exponent.slice(1))
    : SUFFIXES[suffix ?? ''];
  return Math.ceil(Number(number) * scale * 1000 - 1e-6);
}

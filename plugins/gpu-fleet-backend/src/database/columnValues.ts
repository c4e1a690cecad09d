/** Reading column values the same way on SQLite and PostgreSQL. */

/** SQLite hands back numbers or strings, PostgreSQL Date objects. */
export function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value as any);
  return date.toISOString();
}

/** JSON kept in a text column (PostgreSQL drivers may have parsed it already). */
export function parseJson<T>(value: unknown, fallback: T): T {
  if (typeof value !== 'string') return (value as T) ?? fallback;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}

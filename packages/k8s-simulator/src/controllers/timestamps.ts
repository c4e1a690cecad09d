/** Times as the API stores them: RFC 3339 in UTC, whole seconds. */
export function nowTimestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

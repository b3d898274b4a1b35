/**
 * PostgreSQL returns Date objects, SQLite returns `YYYY-MM-DD HH:MM:SS` text
 * in UTC; the API always answers ISO 8601.
 */
export function toIsoString(value: Date | string): string {
  if (value instanceof Date) return value.toISOString();
  const text = value.includes('T') ? value : `${value.replace(' ', 'T')}Z`;
  return new Date(text).toISOString();
}

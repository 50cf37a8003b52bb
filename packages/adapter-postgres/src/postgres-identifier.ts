/**
 * Double-quotes a PostgreSQL identifier. Quoting every name keeps its exact case, as
 * SQLAlchemy's quoting of mixed-case names does, and for lower-case names it means
 * the same as Alembic's unquoted ones.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` (Kysely's reading of a dotted name) quoted part by part. */
export function quoteQualifiedName(name: string): string {
  return name.split('.').map(quoteIdentifier).join('.');
}

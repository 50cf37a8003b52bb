/**
 * Records on a driver error the statement that raised it, as `(error as { sql?: string }).sql`,
 * unless the driver already did. pg does not; core's runner reads the property
 * to name the failing statement in its `MigrationFailedError`.
 */
export function attachSql(error: unknown, sql: string): unknown {
  if (typeof error === 'object' && error !== null && !('sql' in error) && Object.isExtensible(error)) {
    Object.defineProperty(error, 'sql', { value: sql, enumerable: true, configurable: true, writable: true });
  }
  return error;
}

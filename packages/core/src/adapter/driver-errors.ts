import { redactSecrets } from './database-url.js';
import { DatabaseError } from '../errors.js';

/**
 * Records on a driver error the statement that raised it, as `(error as { sql?: string }).sql`,
 * which core's runner names in its `MigrationFailedError`. A statement the driver already
 * recorded is kept unless `replace` is set (mysql2 records it with the parameters filled
 * in; the statement as sent, with `?`, is what a reader finds in the migration).
 *
 * ### Examples
 * ```ts
 * try { database.exec(sql) } catch (error) { throw attachSql(error, sql) }
 * ```
 */
export function attachSql(error: unknown, sql: string, replace = false): unknown {
  if (typeof error === 'object' && error !== null && (replace || !('sql' in error)) && Object.isExtensible(error)) {
    Object.defineProperty(error, 'sql', { value: sql, enumerable: true, configurable: true, writable: true });
  }
  return error;
}

/**
 * Tells whether `error`, or an error among its first causes, has a `code` (or, with
 * `property`, another field) that `matches` accepts: drivers and ORMs wrap one another's
 * errors, and the database's own code sits somewhere along the chain.
 *
 * ### Examples
 * ```ts
 * hasErrorCode(error, (code) => code === '55P03' || code === '40P01') // PostgreSQL: lost a lock wait
 * ```
 */
export function hasErrorCode(error: unknown, matches: (code: unknown) => boolean, property: 'code' | 'errno' = 'code'): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (matches((current as Record<string, unknown>)[property])) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Tells whether `error`, thrown by an adapter's `transaction()`, or one of its first
 * causes, reports that the database committed part of the transaction by itself: a
 * `committedStatements` array (the statements that stayed, possibly none listed), which
 * an adapter for a dialect without transactional DDL sets when a failure came after an
 * implicit commit. Core's runner then reports the failed migration as not rolled back.
 *
 * ### Examples
 * ```ts
 * reportsPartialCommit(Object.assign(new Error('no such table'), { committedStatements: ['CREATE TABLE t (id int)'] })) // true
 * ```
 */
export function reportsPartialCommit(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (Array.isArray((current as { committedStatements?: unknown }).committedStatements)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A {@link DatabaseError} for `operation` whose cause never shows the connection's
 * secrets: when the driver's message echoes the URL, its password or another secret
 * parameter, the cause is a copy with them masked (keeping the driver's `code`);
 * otherwise it is the driver's error itself.
 *
 * ### Examples
 * ```ts
 * throw redactedDatabaseError(`Connecting to ${host}`, error, options.url, location.password);
 * ```
 */
export function redactedDatabaseError(operation: string, error: unknown, url: string, password: string | undefined): DatabaseError {
  const message = error instanceof Error ? error.message : String(error);
  let redacted = redactSecrets(message, [url]);
  if (password) redacted = redacted.split(password).join('***');
  if (redacted === message) return new DatabaseError(operation, { cause: error });
  const cause = new Error(redacted);
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== undefined) Object.defineProperty(cause, 'code', { value: code, enumerable: true });
  return new DatabaseError(operation, { cause });
}

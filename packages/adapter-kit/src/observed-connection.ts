import { attachSql } from '@cloudguard/migrate-core/adapter';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';

/**
 * A Kysely connection that reports every statement to `onStatement` (for `--verbose`)
 * and attaches its SQL to an error it raises (see `attachSql`), so that the statements
 * migrations build with `op.db`, and a driver's own `BEGIN`/`COMMIT`, are seen and
 * named like those of `op.execute`. Cancellation hooks of the inner connection are
 * kept, so Kysely can still cancel a query whose `AbortSignal` fired.
 *
 * ### Examples
 * ```ts
 * class ObservedDriver extends kysely.SqliteDriver {
 *   override async acquireConnection() { return observedConnection(await super.acquireConnection(), onStatement) }
 * }
 * ```
 */
export function observedConnection(inner: DatabaseConnection, onStatement: ((sql: string) => void) | undefined): DatabaseConnection {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery, options?: Parameters<DatabaseConnection['executeQuery']>[1]): Promise<QueryResult<R>> {
      onStatement?.(query.sql);
      try {
        return await inner.executeQuery<R>(query, options);
      } catch (error) {
        throw attachSql(error, query.sql);
      }
    },
    streamQuery<R>(query: CompiledQuery, chunkSize: number, options?: Parameters<DatabaseConnection['streamQuery']>[2]) {
      onStatement?.(query.sql);
      return inner.streamQuery<R>(query, chunkSize, options);
    },
  };
  if (inner.cancelQuery) connection.cancelQuery = (provider) => inner.cancelQuery!(provider);
  if (inner.killSession) connection.killSession = (provider) => inner.killSession!(provider);
  if (inner.collectSessionInfo) connection.collectSessionInfo = () => inner.collectSessionInfo!();
  return connection;
}

import { lazyOperationCompiler } from '@cloudguard/migrate-adapter-kit';
import { kyselyOfflineRenderer } from '@cloudguard/migrate-adapter-kit/offline';
import {
  inlineParameters,
  literalWriter,
  quoteSqlString,
  type OfflineRenderer,
  type OfflineRenderOptions,
} from '@cloudguard/migrate-core/adapter';

import { MAX_VARIABLES } from './sqlite-session.js';
import { sqliteStoreDialect } from './sqlite-store-dialect.js';
import { parseSqliteUrl } from './sqlite-url.js';

/**
 * SQLite's offline renderer (`--sql`): statements as the online adapter would send
 * them, with parameters written as SQLite literals the way better-sqlite3 binds them
 * (booleans as `1`/`0`, dates as ISO-8601 text, bytes as `X'…'`). Transactions are
 * `BEGIN`/`COMMIT`, so the script can be fed to the `sqlite3` shell. The URL is only
 * parsed: the database file is not opened, and need not exist.
 *
 * @throws {InvalidUrlError} for a URL that is not a SQLite URL.
 */
export async function renderSqliteOffline(options: OfflineRenderOptions): Promise<OfflineRenderer> {
  parseSqliteUrl(options.url, options.cwd);
  return kyselyOfflineRenderer(options, {
    dialect: sqliteStoreDialect,
    inline: inlineSqlite,
    maxParameters: MAX_VARIABLES,
    everyColumn: true,
    compiler: 'sqlite',
    // No table can be read offline: an operation that rebuilds a table fails to compile, saying so.
    operationCompiler: lazyOperationCompiler(async () => {
      const [{ SqliteDriver }, { sqliteOperationCompiler }, { unconnectedPlatform }] = await Promise.all([
        import('@mikro-orm/sqlite'),
        import('./sqlite-operations.js'),
        import('@cloudguard/migrate-adapter-kit/operations'),
      ]);
      return sqliteOperationCompiler(unconnectedPlatform(SqliteDriver, ':memory:'));
    }),
  });
}

/**
 * A value as a SQLite literal, as better-sqlite3 would bind it.
 *
 * ### Examples
 * ```ts
 * sqliteLiteral("it's") // "'it''s'"
 * sqliteLiteral(true)   // '1'
 * sqliteLiteral(-2)     // '(-2)'
 * ```
 * @throws {RangeError} for NaN or an infinite number, and for values better-sqlite3 cannot bind (objects, arrays).
 */
export const sqliteLiteral: (value: unknown) => string = literalWriter('SQLite', {
  boolean: (value) => (value ? '1' : '0'),
  date: (value) => quoteSqlString(value.toISOString()),
  bytes: (hex) => `X'${hex}'`,
});

/** A statement with `?` placeholders, parameters inlined as SQLite literals. */
export function inlineSqlite(sql: string, params: readonly unknown[]): string {
  return inlineParameters(sql, params, sqliteLiteral, { placeholders: 'question', backquotes: true });
}

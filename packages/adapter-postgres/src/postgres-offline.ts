import { lazyOperationCompiler } from '@cloudguard/migrate-adapter-kit';
import { kyselyOfflineRenderer } from '@cloudguard/migrate-adapter-kit/offline';
import {
  bytesToHex,
  inlineParameters,
  literalWriter,
  quoteSqlString,
  type OfflineRenderer,
  type OfflineRenderOptions,
} from '@cloudguard/migrate-core/adapter';

import type { ResolvedPostgresOptions } from './postgres-options.js';
import { toNumberedPlaceholders } from './postgres-placeholders.js';
import { MAX_PARAMETERS, setStatements } from './postgres-session.js';
import { postgresStoreDialect } from './postgres-store-dialect.js';
import { parsePostgresUrl } from './postgres-url.js';

/**
 * PostgreSQL's offline renderer (`--sql`): statements as the online adapter would send
 * them, parameters written as PostgreSQL literals the way pg binds them, and each
 * transaction opened with `BEGIN` followed by the `SET LOCAL` of the adapter's and the
 * URL's `lock_timeout`/`statement_timeout`, as online. The URL is only parsed, never
 * connected to; its password appears nowhere in the script.
 *
 * @throws {InvalidUrlError} for a URL that is not a PostgreSQL URL.
 */
export async function renderPostgresOffline(options: OfflineRenderOptions, settings: ResolvedPostgresOptions): Promise<OfflineRenderer> {
  const location = parsePostgresUrl(options.url);
  const timeouts = new Map(settings.timeouts);
  for (const [name, value] of location.timeouts) timeouts.set(name, value);
  return kyselyOfflineRenderer(options, {
    dialect: postgresStoreDialect,
    inline: inlinePostgres,
    inlineCompiled: inlineNumbered,
    beginTransaction: ['BEGIN', ...setStatements(timeouts, true)],
    maxParameters: MAX_PARAMETERS,
    compiler: 'postgres',
    operationCompiler: lazyOperationCompiler(async () => {
      const [{ PostgreSqlDriver }, { postgresOperationCompiler }, { unconnectedPlatform }] = await Promise.all([
        import('@mikro-orm/postgresql'),
        import('./postgres-operations.js'),
        import('@cloudguard/migrate-adapter-kit/operations'),
      ]);
      return postgresOperationCompiler(unconnectedPlatform(PostgreSqlDriver, location.database ?? 'postgres'));
    }),
  });
}

/**
 * A value as a PostgreSQL literal, as pg would bind it: an untyped string constant that
 * the column's type reads (dates as ISO-8601 in UTC, objects as JSON, arrays as array
 * literals), bytes as `'\x…'::bytea`.
 *
 * ### Examples
 * ```ts
 * postgresLiteral("it's")     // "'it''s'"
 * postgresLiteral(true)       // 'TRUE'
 * postgresLiteral(['a', 'b']) // `'{"a","b"}'`
 * ```
 */
export const postgresLiteral: (value: unknown) => string = literalWriter('PostgreSQL', {
  boolean: (value) => (value ? 'TRUE' : 'FALSE'),
  nonFinite: (value) => (Number.isNaN(value) ? "'NaN'::float8" : value > 0 ? "'Infinity'::float8" : "'-Infinity'::float8"),
  date: (value) => quoteSqlString(value.toISOString()),
  bytes: (hex) => `'\\x${hex}'::bytea`,
  array: (value) => quoteSqlString(arrayLiteral(value)),
  object: (value) => quoteSqlString(JSON.stringify(value)),
});

/** A statement with `?` (or `$n`) placeholders, parameters inlined as PostgreSQL literals. */
export function inlinePostgres(sql: string, params: readonly unknown[]): string {
  return inlineNumbered(toNumberedPlaceholders(sql, params), params);
}

/** A statement Kysely compiled (`$n` placeholders only), parameters inlined. */
function inlineNumbered(sql: string, params: readonly unknown[]): string {
  return inlineParameters(sql, params, postgresLiteral, { placeholders: 'numbered', dollarQuotes: true, escapeStrings: true });
}

/** pg's array serialisation (`prepareValue`): `{"a","b",NULL,{"nested"}}`. */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item);
    if (item instanceof Uint8Array) return `"\\\\x${bytesToHex(item)}"`;
    const text = item instanceof Date ? item.toISOString() : typeof item === 'object' ? JSON.stringify(item) : String(item);
    return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}


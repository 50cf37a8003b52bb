import { lazyOperationCompiler } from '@cloudguard/migrate-adapter-kit';
import { kyselyOfflineRenderer } from '@cloudguard/migrate-adapter-kit/offline';
import { inlineParameters, literalWriter, quoteSqlString, type OfflineRenderer, type OfflineRenderOptions } from '@cloudguard/migrate-core/adapter';

import { MAX_PARAMETERS } from './mariadb-session.js';
import { mariadbStoreDialect } from './mariadb-store-dialect.js';
import { parseMariaDbUrl } from './mariadb-url.js';

/**
 * The note at the top of every MariaDB script. MariaDB commits by itself around DDL,
 * so the script's `BEGIN`/`COMMIT` cannot promise what they promise on PostgreSQL.
 */
export const MARIADB_SCRIPT_HEADER = [
  'MariaDB (like MySQL) has no transactional DDL: the server commits the open transaction',
  'before and after every CREATE, ALTER, DROP, RENAME and TRUNCATE, and what follows runs in',
  'autocommit until the next BEGIN. The BEGIN/COMMIT below are those of an online run; they keep',
  'data changes atomic only up to the next DDL statement.',
  'If the script stops half-way (the mariadb client stops at the first error: never use --force),',
  'everything before the failing statement stays applied, except data changes made since the last',
  'BEGIN when no DDL came after it; alembic_version names the last migration whose version row',
  'was committed. To recover: compare the schema with the failed migration, undo or finish its',
  'statements by hand, record the revision the schema now matches with `cgmigrate stamp <revision>`',
  '(offline: `cgmigrate stamp <recorded>:<revision> --sql`), then render the rest with',
  '`cgmigrate upgrade <revision>:head --sql`.',
  "String literals use backslash escapes, MariaDB's default: run this script in a session whose",
  'sql_mode does not include NO_BACKSLASH_ESCAPES.',
];

/**
 * MariaDB's offline renderer (`--sql`): the statements the online adapter sends, with
 * parameters written as MariaDB literals the way mysql2 binds them, and `BEGIN`/`COMMIT`
 * where the online run (Kysely's MySQL driver) sends them. The script opens with
 * {@link MARIADB_SCRIPT_HEADER} and `SET NAMES utf8mb4` (the character set mysql2
 * connects with), so that the `mariadb` client reads the UTF-8 script as UTF-8.
 *
 * The URL is only parsed, never connected to; its password appears nowhere.
 *
 * @throws {InvalidUrlError} for a URL that is not a MariaDB URL or names no database.
 */
export async function renderMariaDbOffline(options: OfflineRenderOptions): Promise<OfflineRenderer> {
  const location = parseMariaDbUrl(options.url);
  return kyselyOfflineRenderer(options, {
    dialect: mariadbStoreDialect,
    inline: inlineMariaDb,
    preamble: [...MARIADB_SCRIPT_HEADER.map((line) => `-- ${line}`), '', 'SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;'],
    maxParameters: MAX_PARAMETERS,
    compiler: 'mysql',
    operationCompiler: lazyOperationCompiler(async () => {
      const [{ MariaDbDriver }, { mariadbOperationCompiler }, { unconnectedPlatform }] = await Promise.all([
        import('@mikro-orm/mariadb'),
        import('./mariadb-operations.js'),
        import('@cloudguard/migrate-adapter-kit/operations'),
      ]);
      return mariadbOperationCompiler(unconnectedPlatform(MariaDbDriver, location.database));
    }),
  });
}

/**
 * A value as a MariaDB literal, as mysql2 binds it (`sqlstring`): booleans as
 * `true`/`false`, dates as `'YYYY-MM-DD HH:MM:SS.mmm'` in this machine's time zone
 * (mysql2's `timezone: 'local'`, which the online adapter keeps), bytes as `X'…'`,
 * arrays as comma-separated lists (for `IN (?)`).
 *
 * ### Examples
 * ```ts
 * mariadbLiteral("it's")      // "'it''s'"
 * mariadbLiteral('C:\\temp')  // "'C:\\\\temp'"
 * mariadbLiteral(-2)          // '(-2)'
 * mariadbLiteral([1, 'a'])    // "1, 'a'"
 * ```
 * @throws {RangeError} for NaN or an infinite number, an invalid date, and objects (JSON.stringify them first).
 */
export const mariadbLiteral: (value: unknown) => string = literalWriter('MariaDB', {
  boolean: (value) => (value ? 'true' : 'false'),
  string: (value) => quoteMariaDbString(value),
  date: (value) => quoteSqlString(localDatetime(value)),
  bytes: (hex) => `X'${hex}'`,
  array: (value) => value.map((item) => (Array.isArray(item) ? `(${mariadbLiteral(item)})` : mariadbLiteral(item))).join(', '),
});

/**
 * A MariaDB string constant for the default `sql_mode`, where a backslash escapes the
 * next character: quotes doubled, backslashes doubled, NUL as `\0`. Every other
 * character (newlines and tabs included) is written as it is, which reads the same
 * in any mode; only strings with a backslash or NUL depend on `NO_BACKSLASH_ESCAPES`
 * being off.
 *
 * ### Examples
 * ```ts
 * quoteMariaDbString("it's a\\b") // "'it''s a\\\\b'"
 * ```
 */
export function quoteMariaDbString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''").replaceAll('\0', '\\0')}'`;
}

/** A statement with `?` placeholders (`?` in strings, back-quoted names and comments left alone), parameters inlined. */
export function inlineMariaDb(sql: string, params: readonly unknown[]): string {
  return inlineParameters(sql, params, mariadbLiteral, { placeholders: 'question', backquotes: true, backslashEscapes: true });
}


/** `2024-05-01 10:00:00.000` in this machine's time zone, as sqlstring's `dateToString(date, 'local')`. */
function localDatetime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('MariaDB has no literal for an invalid Date');
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

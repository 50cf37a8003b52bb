import { type Row } from '@cloudguard/migrate-core';
import { bytesToHex, createRecordingDriver, inlineParameters, quoteSqlString, type AuditEntry, type OfflineAuditStore, type OfflineRenderer, type OfflineRenderOptions, type OfflineStatementSink, type Session, type VersionTableLocation, SqlOfflineVersionStore } from '@cloudguard/migrate-core/adapter';
import type * as KyselyNamespace from 'kysely';

import { auditTableDdl } from './mariadb-audit-store.js';
import { MAX_PARAMETERS, type MariaDbKysely } from './mariadb-session.js';
import { parseMariaDbUrl, qualifiedName } from './mariadb-url.js';
import { versionTableDdl } from './mariadb-version-store.js';

/** Kysely as `await import('kysely')` yields it (loaded only when rendering). */
type KyselyModule = typeof KyselyNamespace;

/** Rows per `INSERT` of `op.bulkInsert`, to keep the script readable (online sends as many as 65,535 placeholders allow). */
const ROWS_PER_INSERT = 500;

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
  parseMariaDbUrl(options.url);
  const kysely = await import('kysely');
  const auditTable = options.auditTable ?? { name: 'cgmigrate_audit', schema: options.versionTable.schema };
  const compiler = offlineKysely(kysely, {
    statement: () => {},
    refuseRead: () => {
      throw new Error('unreachable: the bulk-insert compiler executes nothing');
    },
  });
  return {
    inline: inlineMariaDb,
    preamble: [...MARIADB_SCRIPT_HEADER.map((line) => `-- ${line}`), '', 'SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;'],
    beginTransaction: ['BEGIN'],
    commitTransaction: 'COMMIT',
    versionStore: new SqlOfflineVersionStore(options.versionTable, qualifiedName(options.versionTable), [
      versionTableDdl(options.versionTable),
    ]),
    auditStore: new MariaDbOfflineAuditStore(auditTable),
    bulkInsert: (table, rows) => bulkInsertStatements(compiler, table, rows),
    queryBuilder: (sink) => offlineKysely(kysely, sink),
  };
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
export function mariadbLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`MariaDB has no literal for ${value}`);
    return signed(String(value));
  }
  if (typeof value === 'bigint') return signed(value.toString());
  if (typeof value === 'string') return quoteMariaDbString(value);
  if (value instanceof Date) return quoteSqlString(localDatetime(value));
  if (value instanceof Uint8Array) return `X'${bytesToHex(value)}'`;
  if (Array.isArray(value)) return value.map((item) => (Array.isArray(item) ? `(${mariadbLiteral(item)})` : mariadbLiteral(item))).join(', ');
  throw new RangeError(`A parameter of type ${typeof value} has no MariaDB literal here; convert it first (e.g. JSON.stringify)`);
}

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

/** A negative number in parentheses, so that `a -?` never becomes the comment `a --1`. */
function signed(text: string): string {
  return text.startsWith('-') ? `(${text})` : text;
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

/**
 * `cgmigrate_audit` written offline: the online store's `INSERT`, with `applied_at` from
 * the server's clock when the statement runs (`UTC_TIMESTAMP(3)`: UTC, as online) and
 * `duration_ms` 0, since nothing was timed.
 */
class MariaDbOfflineAuditStore implements OfflineAuditStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;

  constructor(table: VersionTableLocation) {
    this.table = table;
    this.#qualified = qualifiedName(table);
  }

  async ensure(session: Session): Promise<void> {
    await session.execute(auditTableDdl(this.table));
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await session.execute(
      `INSERT INTO ${this.#qualified} (revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version) ` +
        'VALUES (?, ?, ?, UTC_TIMESTAMP(3), 0, ?, ?, ?)',
      [
        entry.revision,
        entry.direction,
        entry.checksum ?? null,
        entry.appliedBy?.slice(0, 255) ?? null,
        entry.host?.slice(0, 255) ?? null,
        entry.toolVersion?.slice(0, 32) ?? null,
      ],
    );
  }
}

type KyselyDriver = ReturnType<InstanceType<KyselyModule['MysqlDialect']>['createDriver']>;

/** A Kysely instance on MySQL's compiler whose driver writes to `sink` instead of a database. */
function offlineKysely(kysely: KyselyModule, sink: OfflineStatementSink): MariaDbKysely {
  return new kysely.Kysely({
    dialect: {
      createAdapter: () => new kysely.MysqlAdapter(),
      createDriver: () => createRecordingDriver(sink, inlineMariaDb) as unknown as KyselyDriver,
      createIntrospector: (db) => new kysely.MysqlIntrospector(db),
      createQueryCompiler: () => new kysely.MysqlQueryCompiler(),
    },
  });
}

/** `op.bulkInsert` as the online session builds it: Kysely's `insertInto` (a column a row lacks gets `DEFAULT`). */
function bulkInsertStatements(db: MariaDbKysely, table: string, rows: readonly Row[]): string[] {
  if (rows.length === 0) return [];
  const columns = new Set(rows.flatMap((row) => Object.keys(row))).size;
  const perStatement = Math.min(ROWS_PER_INSERT, Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns))));
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += perStatement) {
    const compiled = db
      .insertInto(table)
      .values(rows.slice(start, start + perStatement) as Record<string, unknown>[])
      .compile();
    statements.push(inlineMariaDb(compiled.sql, compiled.parameters));
  }
  return statements;
}

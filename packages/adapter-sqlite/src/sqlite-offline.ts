import {
  bytesToHex,
  createRecordingDriver,
  inlineParameters,
  quoteSqlString,
  type AuditEntry,
  type OfflineAuditStore,
  type OfflineRenderer,
  type OfflineRenderOptions,
  type OfflineStatementSink,
  type Row,
  type Session,
  type VersionTableLocation,
  SqlOfflineVersionStore,
} from '@cloudguard/migrate-core';

import { auditTableDdl } from './sqlite-audit-store.js';
import type { KyselyModule } from './sqlite-dialect.js';
import { quoteIdentifier, quoteIdentifierAsSqlAlchemy } from './sqlite-identifier.js';
import type { SqliteKysely } from './sqlite-session.js';
import { parseSqliteUrl } from './sqlite-url.js';
import { versionTableDdl } from './sqlite-version-store.js';

/** Rows per `INSERT` of `op.bulkInsert`, to keep the script readable. */
const ROWS_PER_INSERT = 500;

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
  const kysely = await import('kysely');
  const auditTable = options.auditTable ?? { name: 'cgmigrate_audit', schema: options.versionTable.schema };
  const compiler = offlineKysely(kysely, { statement: () => {}, refuseRead: () => { throw new Error('unreachable'); } });
  return {
    inline: inlineSqlite,
    beginTransaction: ['BEGIN'],
    commitTransaction: 'COMMIT',
    versionStore: new SqlOfflineVersionStore(options.versionTable, sqlAlchemyQualifiedName(options.versionTable), [
      versionTableDdl(options.versionTable, true),
    ]),
    auditStore: new SqliteOfflineAuditStore(auditTable),
    bulkInsert: (table, rows) => bulkInsertStatements(compiler, table, rows),
    queryBuilder: (sink) => offlineKysely(kysely, sink),
  };
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
export function sqliteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`SQLite has no literal for ${value}`);
    return signed(String(value));
  }
  if (typeof value === 'bigint') return signed(value.toString());
  if (typeof value === 'string') return quoteSqlString(value);
  if (value instanceof Date) return quoteSqlString(value.toISOString());
  if (value instanceof Uint8Array) return `X'${bytesToHex(value)}'`;
  throw new RangeError(`SQLite cannot bind a value of type ${Array.isArray(value) ? 'array' : typeof value}; convert it first (e.g. JSON.stringify)`);
}

/** A statement with `?` placeholders, parameters inlined as SQLite literals. */
export function inlineSqlite(sql: string, params: readonly unknown[]): string {
  return inlineParameters(sql, params, sqliteLiteral, { placeholders: 'question', backquotes: true });
}

/** A negative number in parentheses, so that `a -?` never becomes the comment `a --1`. */
function signed(text: string): string {
  return text.startsWith('-') ? `(${text})` : text;
}

/**
 * `cgmigrate_audit` written offline. `applied_at` is the database's clock when the
 * script runs, in the ISO-8601 form the online store writes; `duration_ms` is 0, since
 * nothing was timed.
 */
class SqliteOfflineAuditStore implements OfflineAuditStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;

  constructor(table: VersionTableLocation) {
    this.table = table;
    const prefix = table.schema === undefined ? '' : `${quoteIdentifier(table.schema)}.`;
    this.#qualified = `${prefix}${quoteIdentifier(table.name)}`;
  }

  async ensure(session: Session): Promise<void> {
    for (const ddl of auditTableDdl(this.table)) await session.execute(ddl);
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await session.execute(
      `INSERT INTO ${this.#qualified} (revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version) ` +
        `VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0, ?, ?, ?)`,
      [entry.revision, entry.direction, entry.checksum ?? null, entry.appliedBy ?? null, entry.host ?? null, entry.toolVersion ?? null],
    );
  }
}

/** A Kysely instance on SQLite's compiler whose driver writes to `sink` instead of a database. */
function offlineKysely(kysely: KyselyModule, sink: OfflineStatementSink): SqliteKysely {
  return new kysely.Kysely({
    dialect: {
      createAdapter: () => new kysely.SqliteAdapter(),
      createDriver: () => createRecordingDriver(sink, inlineSqlite) as unknown as ReturnType<KyselyDriverFactory>,
      createIntrospector: (db) => new kysely.SqliteIntrospector(db),
      createQueryCompiler: () => new kysely.SqliteQueryCompiler(),
    },
  });
}

type KyselyDriverFactory = InstanceType<KyselyModule['SqliteDialect']>['createDriver'];

/** `op.bulkInsert` as the online session builds it: Kysely's `insertInto`, every row with every column (missing ones NULL). */
function bulkInsertStatements(db: SqliteKysely, table: string, rows: readonly Row[]): string[] {
  if (rows.length === 0) return [];
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT).map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null])));
    const compiled = db.insertInto(table).values(chunk).compile();
    statements.push(inlineSqlite(compiled.sql, compiled.parameters));
  }
  return statements;
}

/** The version table's name as the online store (and SQLAlchemy) quotes it. */
function sqlAlchemyQualifiedName(table: VersionTableLocation): string {
  const quote = quoteIdentifierAsSqlAlchemy;
  return table.schema === undefined ? quote(table.name) : `${quote(table.schema)}.${quote(table.name)}`;
}

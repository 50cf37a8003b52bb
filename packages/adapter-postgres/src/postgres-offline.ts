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

import type { ResolvedPostgresOptions } from './postgres-adapter.js';
import { auditTableDdl } from './postgres-audit-store.js';
import type { KyselyModule } from './postgres-dialect.js';
import { quoteIdentifier } from './postgres-identifier.js';
import { toNumberedPlaceholders } from './postgres-placeholders.js';
import { setStatements, type PostgresKysely } from './postgres-session.js';
import { parsePostgresUrl } from './postgres-url.js';
import { versionTableDdl } from './postgres-version-store.js';

/** Rows per `INSERT` of `op.bulkInsert`, to keep the script readable. */
const ROWS_PER_INSERT = 500;

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
  const kysely = await import('kysely');
  const auditTable = options.auditTable ?? { name: 'cgmigrate_audit', schema: options.versionTable.schema };
  const compiler = offlineKysely(kysely, {
    statement: () => {},
    refuseRead: () => {
      throw new Error('unreachable');
    },
  });
  return {
    inline: inlinePostgres,
    beginTransaction: ['BEGIN', ...setStatements(timeouts, true)],
    commitTransaction: 'COMMIT',
    versionStore: new SqlOfflineVersionStore(options.versionTable, qualifiedName(options.versionTable), [
      versionTableDdl(options.versionTable, true),
    ]),
    auditStore: new PostgresOfflineAuditStore(auditTable),
    bulkInsert: (table, rows) => bulkInsertStatements(compiler, table, rows),
    queryBuilder: (sink) => offlineKysely(kysely, sink),
  };
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
export function postgresLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return "'NaN'::float8";
    if (!Number.isFinite(value)) return value > 0 ? "'Infinity'::float8" : "'-Infinity'::float8";
    return signed(String(value));
  }
  if (typeof value === 'bigint') return signed(value.toString());
  if (typeof value === 'string') return quoteSqlString(value);
  if (value instanceof Date) return quoteSqlString(value.toISOString());
  if (value instanceof Uint8Array) return `'\\x${bytesToHex(value)}'::bytea`;
  if (Array.isArray(value)) return quoteSqlString(arrayLiteral(value));
  return quoteSqlString(JSON.stringify(value));
}

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

/** A negative number in parentheses, so that `a -?` never becomes the comment `a --1`. */
function signed(text: string): string {
  return text.startsWith('-') ? `(${text})` : text;
}

function qualifiedName(table: VersionTableLocation): string {
  return table.schema === undefined ? quoteIdentifier(table.name) : `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

/**
 * `cgmigrate_audit` written offline. `applied_at` is the server's `clock_timestamp()`
 * when the statement runs; `duration_ms` is 0, since nothing was timed.
 */
class PostgresOfflineAuditStore implements OfflineAuditStore {
  readonly table: VersionTableLocation;
  readonly #qualified: string;

  constructor(table: VersionTableLocation) {
    this.table = table;
    this.#qualified = qualifiedName(table);
  }

  async ensure(session: Session): Promise<void> {
    for (const ddl of auditTableDdl(this.table)) await session.execute(ddl);
  }

  async record(session: Session, entry: AuditEntry): Promise<void> {
    await session.execute(
      `INSERT INTO ${this.#qualified} (revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version) ` +
        'VALUES (?, ?, ?, clock_timestamp(), 0, ?, ?, ?)',
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

type KyselyDriver = ReturnType<InstanceType<KyselyModule['PostgresDialect']>['createDriver']>;

/** A Kysely instance on PostgreSQL's compiler whose driver writes to `sink` instead of a database. */
function offlineKysely(kysely: KyselyModule, sink: OfflineStatementSink): PostgresKysely {
  return new kysely.Kysely({
    dialect: {
      createAdapter: () => new kysely.PostgresAdapter(),
      createDriver: () => createRecordingDriver(sink, inlineNumbered) as unknown as KyselyDriver,
      createIntrospector: (db) => new kysely.PostgresIntrospector(db),
      createQueryCompiler: () => new kysely.PostgresQueryCompiler(),
    },
  });
}

/** `op.bulkInsert` as the online session builds it: Kysely's `insertInto` (a column a row lacks gets `DEFAULT`). */
function bulkInsertStatements(db: PostgresKysely, table: string, rows: readonly Row[]): string[] {
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const compiled = db
      .insertInto(table)
      .values(rows.slice(start, start + ROWS_PER_INSERT) as Record<string, unknown>[])
      .compile();
    statements.push(inlineNumbered(compiled.sql, compiled.parameters));
  }
  return statements;
}

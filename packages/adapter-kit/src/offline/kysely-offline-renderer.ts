import {
  auditTableFor,
  createRecordingDriver,
  SqlOfflineAuditStore,
  SqlOfflineVersionStore,
  type OfflineRenderer,
  type OfflineRenderOptions,
  type OfflineStatementSink,
  type Row,
  type SchemaOperationCompiler,
  type SqlStoreDialect,
} from '@cloudguard/migrate-core/adapter';
import type * as KyselyNamespace from 'kysely';
import type { DatabaseIntrospector, Dialect, QueryCompiler } from 'kysely';

import { fillColumns, rowsPerStatement, type AnyKysely } from '../driver-session.js';

/** The `kysely` module, loaded only when a script is rendered. */
type KyselyModule = typeof KyselyNamespace;

/** A Kysely dialect's compiling half (its adapter, compiler and introspector), without its driver. */
export interface KyselyCompilerParts {
  createAdapter(): ReturnType<Dialect['createAdapter']>;
  createQueryCompiler(): QueryCompiler;
  createIntrospector(db: AnyKysely): DatabaseIntrospector;
}

/** The dialects whose compilers Kysely ships. */
export type KyselyCompilerName = 'sqlite' | 'postgres' | 'mysql' | 'mssql';

/** Kysely's own compilers, by dialect. */
function builtinCompiler(kysely: KyselyModule, name: KyselyCompilerName): KyselyCompilerParts {
  switch (name) {
    case 'sqlite':
      return { createAdapter: () => new kysely.SqliteAdapter(), createQueryCompiler: () => new kysely.SqliteQueryCompiler(), createIntrospector: (db) => new kysely.SqliteIntrospector(db) };
    case 'postgres':
      return { createAdapter: () => new kysely.PostgresAdapter(), createQueryCompiler: () => new kysely.PostgresQueryCompiler(), createIntrospector: (db) => new kysely.PostgresIntrospector(db) };
    case 'mysql':
      return { createAdapter: () => new kysely.MysqlAdapter(), createQueryCompiler: () => new kysely.MysqlQueryCompiler(), createIntrospector: (db) => new kysely.MysqlIntrospector(db) };
    case 'mssql':
      return { createAdapter: () => new kysely.MssqlAdapter(), createQueryCompiler: () => new kysely.MssqlQueryCompiler(), createIntrospector: (db) => new kysely.MssqlIntrospector(db) };
  }
}

/** What {@link kyselyOfflineRenderer} needs of a dialect. */
export interface KyselyOfflineSpec {
  /** The version and audit tables' dialect, which the offline stores write with. */
  readonly dialect: SqlStoreDialect;
  /** A statement with `?` placeholders, its parameters inlined as the dialect's literals. */
  readonly inline: (sql: string, params: readonly unknown[]) => string;
  /** A statement Kysely compiled, its parameters inlined; {@link KyselyOfflineSpec.inline} when absent. */
  readonly inlineCompiled?: ((sql: string, params: readonly unknown[]) => string) | undefined;
  /**
   * Kysely's compiler for the dialect: one of Kysely's own (`sqlite`, `postgres`, `mysql`,
   * `mssql`), or the parts of a third-party Kysely dialect.
   */
  readonly compiler: KyselyCompilerName | ((kysely: KyselyModule) => KyselyCompilerParts);
  /** Lines printed once at the top of the script; see {@link OfflineRenderer.preamble}. */
  readonly preamble?: readonly string[] | undefined;
  /** Statements that open a transaction; `['BEGIN']` when absent. */
  readonly beginTransaction?: readonly string[] | undefined;
  /** Bound parameters per statement online: a bulk insert's statements stay under it. */
  readonly maxParameters: number;
  /**
   * Whether a bulk insert writes every column of the batch in every row, a missing one as
   * `NULL` (as the online session does where `VALUES` has no `DEFAULT`, SQLite); otherwise
   * Kysely writes `DEFAULT` for a column a row lacks.
   */
  readonly everyColumn?: boolean | undefined;
  /** Compiles schema operations into the script (see `OfflineRenderer.operationCompiler`). */
  readonly operationCompiler?: SchemaOperationCompiler | undefined;
}

/** Rows per `INSERT` of `op.bulkInsert`, to keep the script readable. */
const ROWS_PER_INSERT = 500;

/**
 * An offline renderer built from shared parts: the version and audit tables written by
 * core's offline stores in the dialect's SQL, `op.bulkInsert` and `op.db` compiled by the
 * dialect's Kysely compiler (writes go to the script, reads are refused), and
 * `BEGIN`/`COMMIT` unless the dialect opens transactions otherwise.
 *
 * ### Examples
 * ```ts
 * renderOffline: (options) => kyselyOfflineRenderer(options, {
 *   dialect: sqliteStoreDialect, inline: inlineSqlite, maxParameters: 32_766, everyColumn: true, compiler: 'sqlite',
 * }),
 * ```
 */
export async function kyselyOfflineRenderer(options: OfflineRenderOptions, spec: KyselyOfflineSpec): Promise<OfflineRenderer> {
  const kysely = await import('kysely');
  const compiler = typeof spec.compiler === 'string' ? builtinCompiler(kysely, spec.compiler) : spec.compiler(kysely);
  const inlineCompiled = spec.inlineCompiled ?? spec.inline;
  const builder = (sink: OfflineStatementSink): AnyKysely =>
    new kysely.Kysely({
      dialect: {
        createAdapter: () => compiler.createAdapter(),
        createDriver: () => createRecordingDriver(sink, inlineCompiled) as unknown as ReturnType<Dialect['createDriver']>,
        createIntrospector: (db) => compiler.createIntrospector(db),
        createQueryCompiler: () => compiler.createQueryCompiler(),
      },
    });
  const insertCompiler = builder({
    statement: () => {},
    refuseRead: () => {
      throw new Error('unreachable: the bulk-insert compiler executes nothing');
    },
  });
  return {
    inline: spec.inline,
    ...(spec.preamble === undefined ? {} : { preamble: spec.preamble }),
    beginTransaction: spec.beginTransaction ?? ['BEGIN'],
    commitTransaction: 'COMMIT',
    versionStore: new SqlOfflineVersionStore(spec.dialect, options.versionTable),
    auditStore: new SqlOfflineAuditStore(spec.dialect, auditTableFor(options)),
    bulkInsert: (table, rows) => bulkInsertStatements(insertCompiler, table, rows, spec, inlineCompiled),
    queryBuilder: builder,
    ...(spec.operationCompiler === undefined ? {} : { operationCompiler: spec.operationCompiler }),
  };
}

/** `op.bulkInsert` as the online session builds it, through Kysely's `insertInto`, in readable chunks. */
function bulkInsertStatements(
  db: AnyKysely,
  table: string,
  rows: readonly Row[],
  spec: KyselyOfflineSpec,
  inline: (sql: string, params: readonly unknown[]) => string,
): string[] {
  const prepared = spec.everyColumn ? fillColumns(rows, (value) => value ?? null) : rows;
  const perStatement = Math.min(ROWS_PER_INSERT, rowsPerStatement(prepared, spec.maxParameters));
  const statements: string[] = [];
  for (let start = 0; start < prepared.length; start += perStatement) {
    const compiled = db
      .insertInto(table)
      .values(prepared.slice(start, start + perStatement) as Record<string, unknown>[])
      .compile();
    statements.push(inline(compiled.sql, compiled.parameters));
  }
  return statements;
}

/**
 * The PostgreSQL safety lint (`cgmigrate lint`): each statement of a migration read with
 * PostgreSQL's own parser (libpg-query), once, and checked against the rules of
 * `LINT_RULES` that list `postgresql`. The rules live in `postgres-lint/`, one module per
 * kind of statement; what earlier statements established (tables created, `lock_timeout`,
 * validated checks) is kept by {@link PostgresLintRun}.
 *
 * @packageDocumentation
 */

import {
  LINT_RULES,
  type IdentifierRules,
  type LintSettings,
  type LintStatement,
  type StatementLinter,
  type StatementLinterOptions,
  type StatementsLint,
} from '@cloudguard/migrate-core/adapter';
import type { Node } from 'libpg-query';

import type { ResolvedPostgresOptions } from './postgres-options.js';
import { lintAlterTable } from './postgres-lint/alter-table-rules.js';
import { lintDelete, lintInsert, lintUpdate } from './postgres-lint/data-rules.js';
import { lintCreateIndex, lintReindex } from './postgres-lint/index-rules.js';
import { DEFAULT_SCHEMA, PostgresLintRun } from './postgres-lint/lint-run.js';
import { limitsLockWait, type LockTimeout } from './postgres-lint/lock-timeout.js';
import { lintCluster, lintLock, lintRefresh, lintVacuum } from './postgres-lint/maintenance-rules.js';
import { statementParser, type ParsedStatement } from './postgres-lint/parse-cache.js';
import { nodeAs, nodeType, type NodeOf, type NodeType } from './postgres-lint/pg-tree.js';
import type { PortableTypeReader } from './postgres-lint/portable-types.js';
import {
  lintCreateTable,
  lintCreateTableAs,
  lintDrop,
  lintRename,
  lintSelectInto,
  lintSetSchema,
  lintTableObject,
  lintTruncate,
} from './postgres-lint/relation-rules.js';
import { postgresServer } from './postgres-lint/server-version.js';
import { lintEnumValue, lintNonTransactional, lintSet, lintSetConfig, lintTransactionControl } from './postgres-lint/transaction-rules.js';
import { parsePostgresUrl } from './postgres-url.js';

export { ASSUMED_POSTGRES_MAJOR } from './postgres-lint/server-version.js';

/** The ids of the rules this linter checks: every rule for `postgresql`, and `UNPARSEABLE`. */
export const POSTGRES_LINT_RULES: readonly string[] = [
  ...LINT_RULES.filter((rule) => rule.dialects.includes('postgresql')).map((rule) => rule.id),
  'UNPARSEABLE',
];

/** PostgreSQL folds unquoted names itself (the parser did), so names compare exactly; `public` is the schema of a bare name. */
const IDENTIFIERS: IdentifierRules = { caseInsensitive: false, defaultSchema: DEFAULT_SCHEMA };

type Handler<T extends NodeType> = (node: NodeOf<T>, run: PostgresLintRun) => void;

/** The rules of each statement type; a type not listed is one no rule is about (a SELECT, a CREATE FUNCTION…). */
const HANDLERS: { readonly [T in NodeType]?: Handler<T> } = {
  AlterTableStmt: lintAlterTable,
  CreateStmt: lintCreateTable,
  CreateTableAsStmt: lintCreateTableAs,
  SelectStmt: (statement, run) => {
    lintSelectInto(statement, run);
    lintSetConfig(statement, run);
  },
  DropStmt: lintDrop,
  TruncateStmt: lintTruncate,
  RenameStmt: lintRename,
  AlterObjectSchemaStmt: lintSetSchema,
  CreateTrigStmt: (statement, run) => lintTableObject(statement.relation, 'TRIGGER', run),
  CreatePolicyStmt: (statement, run) => lintTableObject(statement.table, 'POLICY', run),
  RuleStmt: (statement, run) => lintTableObject(statement.relation, 'RULE', run),
  IndexStmt: lintCreateIndex,
  ReindexStmt: lintReindex,
  DeleteStmt: lintDelete,
  UpdateStmt: lintUpdate,
  InsertStmt: lintInsert,
  VacuumStmt: lintVacuum,
  ClusterStmt: lintCluster,
  RefreshMatViewStmt: lintRefresh,
  LockStmt: lintLock,
  TransactionStmt: lintTransactionControl,
  VariableSetStmt: lintSet,
  AlterEnumStmt: lintEnumValue,
  CreatedbStmt: (_statement, run) => lintNonTransactional('CREATE DATABASE', run),
  DropdbStmt: (_statement, run) => lintNonTransactional('DROP DATABASE', run),
  CreateTableSpaceStmt: (_statement, run) => lintNonTransactional('CREATE TABLESPACE', run),
  DropTableSpaceStmt: (_statement, run) => lintNonTransactional('DROP TABLESPACE', run),
  AlterSystemStmt: (_statement, run) => lintNonTransactional('ALTER SYSTEM', run),
};

/**
 * The PostgreSQL adapter's statement linter. libpg-query loads (about 20 ms) when the
 * linter is made, and with it MikroORM's PostgreSQL platform, for the types schema
 * operations compile to (already loaded when a migration linted used one); each statement
 * is then parsed once and its tree walked once. With core's statement cache
 * (`options.factCache`) a statement parsed by an earlier run is not parsed again (see
 * `postgres-lint/parse-cache.ts`); its tree is walked as ever.
 *
 * A statement compiled from a schema operation whose table core's schema model knows
 * (`operation.tableBefore`) is read against that table: the type a column had before
 * `ALTER COLUMN … TYPE`, whether it was nullable before `SET`/`DROP NOT NULL`, whether it
 * had a default before `DROP DEFAULT`. Otherwise only earlier statements of the same
 * migration say what a column was.
 *
 * `lock_timeout` counts as set when the adapter's `lockTimeout` option or the URL's
 * `?lock_timeout=` (which wins) sets a non-zero one, or a `SET [LOCAL] lock_timeout`
 * (or `set_config('lock_timeout', …)`) earlier in the migration does; `0` turns it off.
 * A rule that depends on the server's version assumes {@link ASSUMED_POSTGRES_MAJOR}
 * when the settings give none.
 *
 * ### Examples
 * ```ts
 * const linter = await postgresStatementLinter({ url: 'postgresql://db/app?lock_timeout=5s', cwd }, resolveOptions({}));
 * linter.lint([{ sql: 'CREATE INDEX ix_scans_host ON scans (host)', inTransaction: true }], {});
 * // { hits: [{ ruleId: 'CREATE_INDEX_NON_CONCURRENTLY', statement: 0, table: { name: 'scans' },
 * //            message: 'CREATE INDEX ix_scans_host on scans blocks writes to scans until the index is built; …' }],
 * //   creates: [] }
 * ```
 *
 * @throws {InvalidUrlError} for a URL that is not a PostgreSQL URL (an empty one is
 *   taken as none: only the adapter's options count).
 */
export async function postgresStatementLinter(options: StatementLinterOptions, settings: ResolvedPostgresOptions): Promise<StatementLinter> {
  const lockTimeout = configuredLockTimeout(options.url, settings);
  const [{ loadModule, parseSync }, { portableTypeReader }] = await Promise.all([import('libpg-query'), import('./postgres-lint/portable-types.js')]);
  await loadModule();
  const portableType = portableTypeReader(parseSync);
  const parse = statementParser(parseSync, options.factCache);
  return {
    identifiers: IDENTIFIERS,
    rules: POSTGRES_LINT_RULES,
    lint: (statements, lintSettings) => lintStatements(statements, lintSettings, lockTimeout, parse, portableType),
  };
}

/** The `lock_timeout` every migration starts with: the URL's, else the adapter's, else none. */
function configuredLockTimeout(url: string, settings: ResolvedPostgresOptions): LockTimeout {
  const fromUrl = url === '' ? undefined : parsePostgresUrl(url).timeouts.get('lock_timeout');
  if (fromUrl !== undefined) return { on: limitsLockWait(fromUrl), source: `?lock_timeout=${fromUrl} in the URL` };
  const fromOptions = settings.timeouts.get('lock_timeout');
  if (fromOptions !== undefined) return { on: limitsLockWait(fromOptions), source: `lockTimeout: '${fromOptions}' in postgresAdapter()` };
  return { on: false, source: '' };
}

function lintStatements(
  statements: readonly LintStatement[],
  settings: LintSettings,
  lockTimeout: LockTimeout,
  parse: (sql: string) => ParsedStatement,
  portableType: PortableTypeReader,
): StatementsLint {
  const run = new PostgresLintRun(postgresServer(settings.serverVersion), lockTimeout, portableType);
  statements.forEach((statement, index) => {
    run.begin(index, statement.inTransaction, statement.operation);
    // libpg-query refuses an empty string; there is nothing to lint in it.
    if (statement.sql.trim() === '') return;
    const parsed = parse(statement.sql);
    if ('refused' in parsed) {
      run.hit('UNPARSEABLE', parsed.refused);
      return;
    }
    try {
      for (const raw of parsed.tree.stmts ?? []) if (raw.stmt !== undefined) lintStatement(raw.stmt, run);
      run.end();
    } catch (error) {
      // A tree this lint does not expect: reported rather than thrown, as the contract asks.
      run.hit('UNPARSEABLE', `the PostgreSQL lint could not read this statement's parse tree: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  return run.finish();
}

function lintStatement(statement: Node, run: PostgresLintRun): void {
  const type = nodeType(statement);
  const handler = HANDLERS[type] as Handler<typeof type> | undefined;
  const node = nodeAs(statement, type);
  if (handler !== undefined && node !== undefined) handler(node, run);
}

/**
 * The safety lint's rules: stable ids, what each flags, how bad it is by default, and
 * which dialects check it. The checks themselves live in the adapters (they read SQL
 * with their dialect's parser); this list is what config, output and `docs/lint.md`
 * agree on. An id never changes meaning once released; a rule that goes away keeps its
 * id reserved.
 *
 * @packageDocumentation
 */

/** How a finding counts: an `error` makes `lint` exit 1; a `warning` is printed. */
export type LintSeverity = 'error' | 'warning';

/** The families of rules, as `docs/lint.md` groups them. */
export type LintRuleFamily = 'destructive' | 'compatibility' | 'locking' | 'transaction' | 'sqlite' | 'lint';

/** A dialect a rule is checked on. */
export type LintDialect = 'postgresql' | 'sqlite';

/** One rule of the safety lint. */
export interface LintRule {
  /** Stable id, used in ignore comments, config and every output format. */
  readonly id: string;
  readonly family: LintRuleFamily;
  /** Errors for what blocks writes or destroys data; warnings for the rest. */
  readonly defaultSeverity: LintSeverity;
  /** The dialects whose linter checks it; empty for core's own findings about the lint itself. */
  readonly dialects: readonly LintDialect[];
  /** What it flags, in a line (SARIF's `shortDescription`). */
  readonly summary: string;
}

const PG: readonly LintDialect[] = ['postgresql'];
const BOTH: readonly LintDialect[] = ['postgresql', 'sqlite'];
const SQLITE: readonly LintDialect[] = ['sqlite'];
const CORE: readonly LintDialect[] = [];

const rule = (id: string, family: LintRuleFamily, defaultSeverity: LintSeverity, dialects: readonly LintDialect[], summary: string): LintRule => ({
  id,
  family,
  defaultSeverity,
  dialects,
  summary,
});

/** Every rule, in the order `docs/lint.md` lists them. */
export const LINT_RULES: readonly LintRule[] = [
  // Destructive: data is gone once these commit.
  rule('DROP_TABLE', 'destructive', 'error', BOTH, 'Drops a table and its rows, which the running service may still read.'),
  rule('DROP_COLUMN', 'destructive', 'error', BOTH, 'Drops a column and its values, which the running service may still read or write.'),
  rule('DROP_SCHEMA', 'destructive', 'error', PG, 'Drops a schema and, with CASCADE, every table in it.'),
  rule('DROP_INDEX', 'destructive', 'warning', BOTH, 'Drops an index that queries of the running service may rely on.'),
  rule('TRUNCATE_TABLE', 'destructive', 'error', PG, 'Empties a table, under an ACCESS EXCLUSIVE lock.'),
  rule('DELETE_ALL_ROWS', 'destructive', 'error', BOTH, 'Deletes every row of a table (DELETE without WHERE).'),
  rule('NARROW_COLUMN_TYPE', 'destructive', 'error', PG, 'Changes a column to a narrower type: values that do not fit fail the migration or are cut.'),
  rule('DROP_COLUMN_DEFAULT', 'destructive', 'warning', PG, 'Drops a column default that inserts of the running service may rely on.'),
  rule('DROP_NOT_NULL', 'destructive', 'warning', PG, 'Drops a NOT NULL that readers of the running service may rely on.'),
  // Backward-incompatible with the version of the service still running.
  rule('RENAME_TABLE', 'compatibility', 'error', BOTH, 'Renames a table: every query of the running service that names it fails.'),
  rule('RENAME_COLUMN', 'compatibility', 'error', BOTH, 'Renames a column: every query of the running service that names it fails.'),
  rule('ADD_REQUIRED_COLUMN', 'compatibility', 'error', BOTH, 'Adds a NOT NULL column without a default: inserts of the running service fail (and the statement fails on a table with rows).'),
  rule('CHANGE_COLUMN_TYPE', 'compatibility', 'warning', PG, "Changes a column's type under the running service, which still reads and writes the old one."),
  // Locks and their duration on PostgreSQL.
  rule('CREATE_INDEX_NON_CONCURRENTLY', 'locking', 'error', PG, 'Builds an index without CONCURRENTLY, blocking writes to the table for the whole build.'),
  rule('DROP_INDEX_NON_CONCURRENTLY', 'locking', 'error', PG, "Drops an index without CONCURRENTLY, taking ACCESS EXCLUSIVE on the index's table."),
  rule('REINDEX_NON_CONCURRENTLY', 'locking', 'error', PG, 'Rebuilds an index without CONCURRENTLY (PostgreSQL 12+), blocking writes for the whole build.'),
  rule('ADD_FOREIGN_KEY_VALIDATING', 'locking', 'error', PG, 'Adds a foreign key without NOT VALID: both tables are locked against writes while every row is checked.'),
  rule('ADD_CHECK_VALIDATING', 'locking', 'error', PG, 'Adds a CHECK constraint without NOT VALID: the table is locked while every row is checked.'),
  rule('SET_NOT_NULL_SCANS', 'locking', 'error', PG, 'SET NOT NULL without a validated CHECK (col IS NOT NULL): the whole table is scanned under ACCESS EXCLUSIVE.'),
  rule('TYPE_CHANGE_REWRITES_TABLE', 'locking', 'error', PG, 'Changes a column type in a way that rewrites the table and its indexes under ACCESS EXCLUSIVE.'),
  rule('ADD_COLUMN_REWRITES_TABLE', 'locking', 'error', PG, 'Adds a column whose default is volatile (or any default before PostgreSQL 11), or a stored generated column: the table is rewritten.'),
  rule('ADD_UNIQUE_BUILDS_INDEX', 'locking', 'error', PG, 'Adds a UNIQUE or PRIMARY KEY constraint that builds its index under ACCESS EXCLUSIVE instead of using one built CONCURRENTLY.'),
  rule('ENUM_ADD_VALUE_IN_TRANSACTION', 'locking', 'error', PG, 'ALTER TYPE … ADD VALUE inside a transaction, which fails before PostgreSQL 12.'),
  rule('MISSING_LOCK_TIMEOUT', 'locking', 'warning', PG, 'Takes ACCESS EXCLUSIVE with no lock_timeout: while it waits, every query on the table queues behind it.'),
  rule('TABLE_REWRITE_COMMAND', 'locking', 'error', PG, 'VACUUM FULL or CLUSTER rewrites a table under ACCESS EXCLUSIVE.'),
  rule('REFRESH_MATERIALIZED_VIEW_NON_CONCURRENTLY', 'locking', 'warning', PG, 'Refreshes a materialized view without CONCURRENTLY, blocking its readers.'),
  rule('LOCK_TABLE', 'locking', 'warning', PG, 'Takes an explicit table lock for the rest of the transaction.'),
  // Transaction hazards.
  rule('CONCURRENTLY_IN_TRANSACTION', 'transaction', 'error', PG, 'A CONCURRENTLY statement in a transactional migration: PostgreSQL refuses it inside a transaction.'),
  rule('NON_TRANSACTIONAL_IN_TRANSACTION', 'transaction', 'error', PG, 'A statement that cannot run inside a transaction (VACUUM, CREATE DATABASE, ALTER SYSTEM…) in a transactional migration.'),
  rule('TRANSACTION_CONTROL', 'transaction', 'error', BOTH, 'BEGIN, COMMIT, ROLLBACK or SAVEPOINT in a migration, which breaks the transaction cgmigrate runs it in.'),
  rule('DDL_WITH_DATA_CHANGE', 'transaction', 'warning', BOTH, "Schema changes and a table-wide data change in one transaction: the schema change's locks are held while the data change runs."),
  rule('UPDATE_ALL_ROWS', 'transaction', 'warning', BOTH, 'Updates every row of a table in one statement (UPDATE without WHERE): one long transaction, every row locked.'),
  // SQLite.
  rule('SQLITE_TABLE_REBUILD', 'sqlite', 'warning', SQLITE, 'Rebuilds a table (create a copy, copy the rows, drop, rename): time and locks grow with the table.'),
  rule('SQLITE_FOREIGN_KEYS_PRAGMA', 'sqlite', 'error', SQLITE, 'PRAGMA foreign_keys inside a migration, where SQLite silently ignores it in a transaction.'),
  // The lint's own findings.
  rule('UNPARSEABLE', 'lint', 'warning', CORE, 'A statement the dialect parser cannot read: nothing is known of what it does.'),
  rule('NOT_LINTED', 'lint', 'warning', CORE, 'A migration that cannot be rendered offline (it reads the database), so it was not linted.'),
  rule('IGNORE_WITHOUT_REASON', 'lint', 'error', CORE, 'A cgmigrate-lint-ignore comment without a reason.'),
  rule('IGNORE_UNKNOWN_RULE', 'lint', 'error', CORE, 'A cgmigrate-lint-ignore comment naming a rule that does not exist.'),
];

const RULES_BY_ID: ReadonlyMap<string, LintRule> = new Map(LINT_RULES.map((entry) => [entry.id, entry]));

/** The rule with this id, or undefined. */
export function lintRule(id: string): LintRule | undefined {
  return RULES_BY_ID.get(id);
}

/** The anchor of a rule's section in `docs/lint.md` (GitHub's heading slug of the id). */
export function lintRuleAnchor(id: string): string {
  return id.toLowerCase();
}

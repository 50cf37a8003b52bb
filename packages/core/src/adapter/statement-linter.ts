/**
 * The optional part of the adapter contract that lints SQL: which of a migration's
 * statements will lock, rewrite or destroy, read with the dialect's own grammar. Core
 * renders each migration offline, hands its statements to the adapter's
 * {@link StatementLinter}, and owns everything around the rules: which revisions are
 * linted, what they and their unapplied ancestors created (a hit on such a table is
 * dropped), ignore comments, severities and output. The rules themselves, and their ids,
 * are listed in `lint/lint-rules.ts`.
 *
 * @packageDocumentation
 */

import type { QualifiedName, SchemaOperationKind, TableDescription } from '../operations/schema-operation.js';
import type { IdentifierRules } from '../operations/touched-object.js';
import type { StatementFactCache } from './statement-fact-cache.js';

/** One statement of a migration, as the dialect will run it. */
export interface LintStatement {
  /** The statement, parameters inlined as offline mode renders them. */
  readonly sql: string;
  /** Whether it runs inside the migration's transaction (false in a `transactional: false` migration). */
  readonly inTransaction: boolean;
  /**
   * The schema operation it was compiled from, when it was: the statements of one
   * operation share this object, and its `index` (a SQLite table rebuild is several
   * statements).
   */
  readonly operation?: LintedOperation | undefined;
}

/** The schema operation a {@link LintStatement} was compiled from. */
export interface LintedOperation {
  /** Counts the migration's schema operations from 0. */
  readonly index: number;
  readonly kind: SchemaOperationKind;
  /** The table it is on, when it is on one. */
  readonly table?: QualifiedName | undefined;
  /**
   * That table's definition just before the operation, as the operations of the revisions
   * before and of this migration so far made it (the offline schema model): the columns'
   * types and nullability the statements change. Absent when the model does not know the
   * table: raw SQL made or changed it (or some table, which makes the model forget them
   * all), or the operation makes it. Shared, not copied: never change it.
   */
  readonly tableBefore?: TableDescription | undefined;
}

/** What the rules know beyond the statements. */
export interface LintSettings {
  /**
   * The server's version, `major` or `major.minor` (`"15.4"`, SQLite's `"3.45.1"`), from
   * `--server-version` or the connected server. Absent when neither says: each dialect
   * then assumes one version (PostgreSQL: 13, the oldest supported upstream) and a
   * finding that depends on it says so in its message.
   */
  readonly serverVersion?: string | undefined;
}

/** One rule's finding on one statement. */
export interface StatementLintHit {
  /** The rule's stable id (see `LINT_RULES`), e.g. `CREATE_INDEX_NON_CONCURRENTLY`. */
  readonly ruleId: string;
  /** Index of the statement in the array given to {@link StatementLinter.lint}. */
  readonly statement: number;
  /** What is wrong with this statement, in a sentence naming the object: `CREATE INDEX ix_scans_host on scans blocks writes to scans while it builds`. */
  readonly message: string;
  /**
   * The table the finding is about. Core drops the hit when the revision created that
   * table before this statement, or an ancestor not yet applied to the target database
   * did: locking or dropping a table nobody uses yet is harmless. Absent for findings
   * that hold whatever the table (a statement that cannot run in a transaction).
   */
  readonly table?: QualifiedName | undefined;
}

/** What {@link StatementLinter.lint} made of one migration's statements. */
export interface StatementsLint {
  readonly hits: readonly StatementLintHit[];
  /** The tables the statements create, each with the index of the statement that creates it. */
  readonly creates: readonly { readonly statement: number; readonly table: QualifiedName }[];
}

/**
 * Lints the statements of one migration with a real parser. A statement the grammar
 * cannot read is an `UNPARSEABLE` hit carrying the parser's message and position, never
 * an exception; the other statements are still linted.
 *
 * ### Examples
 * ```ts
 * const linter = await adapter.statementLinter!({ url, cwd });
 * linter.lint([{ sql: 'CREATE INDEX ix_scans_host ON scans (host)', inTransaction: true }], { serverVersion: '15' });
 * // { hits: [{ ruleId: 'CREATE_INDEX_NON_CONCURRENTLY', statement: 0, table: { name: 'scans' }, message: '…' }], creates: [] }
 * ```
 */
export interface StatementLinter {
  /** How the dialect compares names, for matching hits' tables with created ones. */
  readonly identifiers: IdentifierRules;
  /** The ids of the rules this linter checks (a subset of `LINT_RULES`). */
  readonly rules: readonly string[];
  /** Lints one migration's statements, in the order they run. Never throws. */
  lint(statements: readonly LintStatement[], settings: LintSettings): StatementsLint;
}

/** How {@link DialectAdapter.statementLinter} should make its linter. Nothing is connected to. */
export interface StatementLinterOptions {
  /**
   * The database URL as configured, for settings the rules need (PostgreSQL's
   * `?lock_timeout=`): only parsed, never connected to, never printed.
   */
  readonly url: string;
  /** Directory that relative paths in the URL are resolved against. */
  readonly cwd: string;
  /**
   * Where the linter may keep the facts it parses of each statement for the next run
   * (see {@link StatementFactCache}); absent when caches are off, or core is used as a
   * library without Node's compile cache. The linter must lint the same with it or without.
   */
  readonly factCache?: StatementFactCache | undefined;
}

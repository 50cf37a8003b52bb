import type { MariaDbSession } from './mariadb-session.js';

const MAX_LISTED = 5;

/**
 * A failure inside a transaction after MariaDB had committed part of it by itself: DDL
 * (`CREATE`, `ALTER`, `DROP`, …) commits at once and cannot be rolled back, and
 * whatever followed it ran in autocommit. Core's runner reports it as
 * `MIGRATION_FAILED`, with this error as the cause, and its message saying what may
 * have been applied and how to recover.
 *
 * The original error is the `cause`; `sql` is the failing statement, as on any
 * statement error.
 */
export class MariaDbPartialCommitError extends Error {
  /** The statement that failed, when the database reported one. */
  readonly sql: string | undefined;
  /** The statements of the failed migration that MariaDB committed when they ran, in order. */
  readonly committedStatements: readonly string[];
  /** The version table's rows after the rollback. */
  readonly versionsAfter: readonly string[];

  constructor(error: unknown, committedStatements: readonly string[], versionsAfter: readonly string[], versionTable: string) {
    const listed = committedStatements.slice(0, MAX_LISTED).map((sql) => `  - ${flatten(sql)}`);
    if (committedStatements.length > MAX_LISTED) listed.push(`  - … and ${committedStatements.length - MAX_LISTED} more`);
    const recorded = versionsAfter.length > 0 ? versionsAfter.join(', ') : 'nothing (base)';
    super(
      `${error instanceof Error ? error.message : String(error)}\n` +
        'MariaDB has no transactional DDL: it commits before and after every CREATE, ALTER and DROP, so this ' +
        'failure could not be rolled back completely. ' +
        (listed.length > 0
          ? `These statements of the failed migration were committed when they ran:\n${listed.join('\n')}\n`
          : "The failed migration's statements before the failing one ran after such a commit and stayed applied " +
            '(statements built with op.db are not listed).\n') +
        `Every migration before the failed one is recorded (${versionTable} now holds ${recorded}). To recover: ` +
        "inspect the schema, undo or finish the failed migration's changes by hand, then record the revision the " +
        'schema now matches with `cgmigrate stamp <revision>` (or `MigrationManager.stamp`), and run the upgrade again.',
      { cause: error },
    );
    this.name = 'MariaDbPartialCommitError';
    const sql = (error as { sql?: unknown } | null)?.sql;
    this.sql = typeof sql === 'string' ? sql : undefined;
    this.committedStatements = committedStatements;
    this.versionsAfter = versionsAfter;
  }
}

/**
 * What MariaDB committed of a failed transaction by itself: `undefined` when the
 * transaction is still open (nothing was committed, the rollback undoes it all);
 * otherwise the statements sent through the session that committed implicitly
 * (possibly none listed, when the DDL was built with `op.db`), the failing statement
 * left out.
 */
export async function committedBeforeFailure(session: MariaDbSession, error: unknown): Promise<readonly string[] | undefined> {
  const rows = await session.query<{ open: number | string }>('SELECT @@in_transaction AS open');
  if (Number(rows[0]?.open) === 1) return undefined;
  const failed = (error as { sql?: unknown } | null)?.sql;
  const statements = [...session.implicitCommits];
  if (statements.at(-1) === failed) statements.pop();
  return statements;
}

function flatten(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

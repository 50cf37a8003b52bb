/**
 * How a run's steps are grouped into transactions: decided here, from the run's options
 * and whether each migration is transactional, and carried out by `GroupExecutor`.
 * Nothing here touches a database.
 */

/** What decides how a run's steps commit. */
export interface TransactionSettings {
  /** The dialect rolls DDL back with its transaction (the adapter's `capabilities.transactionalDdl`). */
  readonly transactionalDdl: boolean;
  /** Commit after each migration instead of once for the whole run. */
  readonly transactionPerMigration: boolean;
  /** An offline script: each step's version change is written right after it. */
  readonly recordEachStep: boolean;
}

/**
 * How one group of steps commits:
 * - `run`: consecutive transactional steps share one transaction (the default, with
 *   transactional DDL): everything up to the next `transactional: false` migration, or to the end;
 * - `migration`: one transactional step per transaction (`transactionPerMigration`);
 * - `step`: one step per transaction on a dialect without transactional DDL (MariaDB, MySQL),
 *   whose DDL statements commit on their own: a failure leaves what they did;
 * - `none`: a `transactional: false` migration, run outside any transaction, its version
 *   change committed in a transaction of its own right after it.
 */
export type TransactionGroupKind = 'run' | 'migration' | 'step' | 'none';

/** Steps `start` (inclusive) to `end` (exclusive) of a plan, committed as {@link kind} says. */
export interface TransactionGroup {
  readonly kind: TransactionGroupKind;
  readonly start: number;
  readonly end: number;
}

/**
 * Whether the run begins with a `run` group that imports ahead: migration *n + 1* is
 * imported while the database runs migration *n*, and the version and audit tables are
 * ensured in that same transaction. The group ends where {@link joinsGroup} says, which
 * only the imported migration can tell; the groups after it are {@link transactionGroups}'.
 * Otherwise (a transaction per migration, no transactional DDL, an offline script, whose
 * SQL must not begin for a run that cannot complete) every migration is imported first,
 * and the tables are ensured in a transaction of their own.
 */
export function importsAhead(settings: TransactionSettings): boolean {
  return settings.transactionalDdl && !settings.transactionPerMigration && !settings.recordEachStep;
}

/** The kind of group a step begins, by whether its migration is transactional. */
export function groupKind(settings: TransactionSettings, transactional: boolean): TransactionGroupKind {
  if (!transactional) return 'none';
  if (!settings.transactionalDdl) return 'step';
  return settings.transactionPerMigration ? 'migration' : 'run';
}

/**
 * Whether a step joins the group of kind `open` that holds the step before it: only a
 * transactional step joins, and only a `run` group. This is where the `run` group that
 * imports ahead ends: at the first `transactional: false` migration.
 */
export function joinsGroup(open: TransactionGroupKind, transactional: boolean): boolean {
  return open === 'run' && transactional;
}

/**
 * Whether a group that fails leaves nothing behind: its steps ran in one transaction on a
 * dialect with transactional DDL. Only such a group is run again after it lost a lock wait,
 * and only its steps are said to be rolled back when it fails.
 */
export function rollsBack(kind: TransactionGroupKind): boolean {
  return kind === 'run' || kind === 'migration';
}

/**
 * The groups of a plan's steps from `start` on, in order; `transactional[i]` says whether
 * step *i*'s migration runs in a transaction.
 *
 * ### Examples
 * ```ts
 * const settings = { transactionalDdl: true, transactionPerMigration: false, recordEachStep: false };
 * transactionGroups(settings, [true, true, false, true])
 * // [{ kind: 'run', start: 0, end: 2 }, { kind: 'none', start: 2, end: 3 }, { kind: 'run', start: 3, end: 4 }]
 * ```
 */
export function transactionGroups(settings: TransactionSettings, transactional: readonly boolean[], start = 0): TransactionGroup[] {
  const groups: { kind: TransactionGroupKind; start: number; end: number }[] = [];
  for (let index = start; index < transactional.length; index++) {
    const open = groups.at(-1);
    if (open !== undefined && joinsGroup(open.kind, transactional[index]!)) open.end = index + 1;
    else groups.push({ kind: groupKind(settings, transactional[index]!), start: index, end: index + 1 });
  }
  return groups;
}

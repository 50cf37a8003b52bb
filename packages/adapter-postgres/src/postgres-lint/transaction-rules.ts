/**
 * The rules on the transaction a migration runs in: statements that end or nest it,
 * statements PostgreSQL refuses inside one, and `SET lock_timeout`, which later rules
 * read.
 *
 * @packageDocumentation
 */

import type { AlterEnumStmt, SelectStmt, TransactionStmt, VariableSetStmt } from 'libpg-query';

import type { PostgresLintRun } from './lint-run.js';
import { lockTimeoutSetBy, lockTimeoutSetConfig } from './lock-timeout.js';
import { qualifiedOf, sqlName, stringsOf } from './pg-tree.js';

const TRANSACTION_COMMANDS: Readonly<Record<string, string>> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** What each kind of transaction statement does to the transaction cgmigrate runs a migration in. */
const IN_TRANSACTION_EFFECTS: Readonly<Record<string, string>> = {
  BEGIN: 'does nothing but warn, and the COMMIT that goes with it ends that transaction early',
  'START TRANSACTION': 'does nothing but warn, and the COMMIT that goes with it ends that transaction early',
  COMMIT: 'ends it early: what follows, the version table update included, runs outside it',
  ROLLBACK: 'undoes the statements before it and ends the transaction: the migration is then recorded as applied without them',
  SAVEPOINT: 'nests in the transaction cgmigrate owns: a ROLLBACK TO SAVEPOINT would undo statements of a migration recorded as applied',
  'RELEASE SAVEPOINT': 'nests in the transaction cgmigrate owns: a ROLLBACK TO SAVEPOINT would undo statements of a migration recorded as applied',
  'ROLLBACK TO SAVEPOINT': 'undoes statements of a migration that cgmigrate then records as applied',
  'PREPARE TRANSACTION': 'hands it to two-phase commit, ending it',
  'COMMIT PREPARED': 'is refused there',
  'ROLLBACK PREPARED': 'is refused there',
};

/** `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`… in a migration. */
export function lintTransactionControl(statement: TransactionStmt, run: PostgresLintRun): void {
  const command = TRANSACTION_COMMANDS[statement.kind ?? ''] ?? 'A transaction statement';
  run.hit(
    'TRANSACTION_CONTROL',
    run.inTransaction
      ? `${command} inside the transaction cgmigrate runs the migration in ${IN_TRANSACTION_EFFECTS[command] ?? 'changes that transaction'}; ` +
          'leave the transaction to cgmigrate'
      : `${command} in a migration with transactional: false: cgmigrate runs each statement on its own and does not expect the ` +
          'migration to open or end a transaction (a failed statement leaves it open); make the migration transactional instead',
  );
}

/** `SET lock_timeout` (and `RESET`) for the statements after it. */
export function lintSet(statement: VariableSetStmt, run: PostgresLintRun): void {
  const value = lockTimeoutSetBy(statement);
  if (value === undefined) return;
  const local = statement.is_local === true;
  const written =
    value === 'default'
      ? statement.kind === 'VAR_RESET_ALL'
        ? 'RESET ALL'
        : 'RESET lock_timeout'
      : `SET ${local ? 'LOCAL ' : ''}lock_timeout = ${typeof value === 'number' ? value : `'${value}'`}`;
  run.setLockTimeout(value, local, written);
}

/** `SELECT set_config('lock_timeout', …)`, the function form of `SET`. */
export function lintSetConfig(statement: SelectStmt, run: PostgresLintRun): void {
  const setting = lockTimeoutSetConfig(statement);
  if (setting !== undefined) run.setLockTimeout(setting.value, setting.local, `set_config('lock_timeout', '${setting.value}', ${setting.local})`);
}

/** `ALTER TYPE … ADD VALUE`, which PostgreSQL before 12 refuses inside a transaction block. */
export function lintEnumValue(statement: AlterEnumStmt, run: PostgresLintRun): void {
  // RENAME VALUE has an old value; ADD VALUE has none.
  if (statement.newVal === undefined || statement.oldVal !== undefined || !run.inTransaction || run.server.major >= 12) return;
  const type = qualifiedOf(stringsOf(statement.typeName));
  run.hit(
    'ENUM_ADD_VALUE_IN_TRANSACTION',
    `ALTER TYPE ${type === undefined ? '…' : sqlName(type)} ADD VALUE cannot run inside a transaction block on PostgreSQL ${run.server.major}, ` +
      'and this migration runs in one; mark the migration transactional: false',
  );
}

/** A statement PostgreSQL refuses inside a transaction block (`CREATE DATABASE`, `ALTER SYSTEM`, …), named as it is written. */
export function lintNonTransactional(command: string, run: PostgresLintRun): void {
  if (!run.inTransaction) return;
  run.hit(
    'NON_TRANSACTIONAL_IN_TRANSACTION',
    `${command} cannot run inside a transaction block, and this migration runs in one: PostgreSQL refuses it; mark the migration transactional: false`,
  );
}

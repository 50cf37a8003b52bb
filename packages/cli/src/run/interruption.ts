import type { InterruptedError } from '@cloudguard/migrate-core';

/**
 * The one line an interrupted run prints (SIGINT, SIGTERM), from what core says happened:
 * a rolled-back transaction, a `transactional: false` migration whose statements may have
 * committed (no rollback is claimed for it), and the revisions the database is at.
 *
 * ### Examples
 * ```ts
 * interruptionLine(error) // 'Interrupted: the transaction was rolled back; the database is at 000002.'
 * ```
 */
export function interruptionLine(error: InterruptedError, bin = 'cgmigrate'): string {
  const where =
    error.heads === undefined
      ? `\`${bin} current\` shows the revision the database is at`
      : `the database is at ${error.heads.length > 0 ? error.heads.join(', ') : 'base'}`;
  const facts: string[] = [];
  if (error.rolledBack.length > 0) facts.push('the transaction was rolled back');
  if (error.mayHaveCommitted.length > 0) {
    const revisions = error.mayHaveCommitted.join(', ');
    facts.push(
      `${revisions} ran outside a transaction, so the statements it ran may have committed (its version change was not recorded)`,
    );
  }
  if (facts.length === 0) facts.push('no migration was running');
  return `Interrupted: ${facts.join('; ')}; ${where}.`;
}

/**
 * The line an interrupted `verify` prints instead: its migrations ran on a throwaway
 * database, which is dropped on the way out, so where "the database" is means nothing
 * to the user; what matters is that the configured database was never touched.
 */
export function verifyInterruptionLine(): string {
  return 'Interrupted: verify stopped and dropped its throwaway database (a shadow database stays where the run stopped); the configured database was not touched.';
}

import type { MigrateResult } from '@cloudguard/migrate-core';

/**
 * The note printed when an upgrade or downgrade had nothing to run.
 *
 * ### Examples
 * ```ts
 * formatNothingToDo({ from: ['ae1027'], to: ['ae1027'], steps: [] })
 * // 'Nothing to do: the database is already at ae1027.'
 * ```
 */
export function formatNothingToDo(result: MigrateResult): string {
  const at = result.to.length === 0 ? 'base' : result.to.join(', ');
  return `Nothing to do: the database is already at ${at}.`;
}

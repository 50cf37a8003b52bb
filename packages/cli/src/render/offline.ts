import { InvalidTargetError, type MigrateResult, type OfflineScriptResult } from '@cloudguard/migrate-core';

/** What `--sql --json` prints: the run's data with the script as `sql`. */
export interface ScriptResult extends MigrateResult {
  readonly sql: string;
}

/** Where {@link printScript} writes. */
export interface ScriptOutput {
  /** stdout (redacted). */
  out(text: string): void;
  /** stderr, unless `--quiet`. */
  note(text: string): void;
  /** `--json`: the script is returned for the JSON document instead of printed. */
  readonly json: boolean;
}

/**
 * Prints an offline script on stdout, and only the script: the "nothing to do" note
 * goes to stderr, so `cgmigrate upgrade head --sql > upgrade.sql` captures pure SQL.
 */
export function printScript(result: OfflineScriptResult, output: ScriptOutput): ScriptResult {
  if (result.steps.length === 0) output.note('Nothing to migrate in this range: the script only makes sure the audit table exists.');
  if (!output.json) output.out(result.sql.trimEnd());
  return { from: result.from, to: result.to, steps: result.steps, sql: result.sql };
}

/**
 * Refuses a `<from>:<to>` range when the command runs against the database: ranges are
 * for offline scripts only (`upgrade`, `downgrade` and `stamp` share the rule).
 *
 * @throws {InvalidTargetError}
 */
export function refuseRangeOnline(target: string): void {
  if (target.includes(':')) throw new InvalidTargetError(target, 'a range <from>:<to> is only for offline mode; add --sql');
}

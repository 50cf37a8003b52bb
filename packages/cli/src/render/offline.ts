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
  /** A `Warning:` line on stderr, even with `--quiet`. */
  warn(text: string): void;
  /** The text as it will be printed: every credential masked. */
  redact(text: string): string;
  /** `--json`: the script is returned for the JSON document instead of printed. */
  readonly json: boolean;
}

/**
 * Prints an offline script on stdout, and only the script: the "nothing to do" note
 * goes to stderr, so `cgmigrate upgrade head --sql > upgrade.sql` captures pure SQL.
 *
 * The script passes through redaction like any output. When that changed it (a
 * migration's SQL holds the database password, or a URL with credentials), a warning
 * says so: the script printed is then not the one an online run would execute.
 */
export function printScript(result: OfflineScriptResult, output: ScriptOutput): ScriptResult {
  if (result.steps.length === 0) output.note('Nothing to migrate in this range: the script only makes sure the audit table exists.');
  if (output.redact(result.sql) !== result.sql) {
    output.warn('the script contains credentials, printed as ***: put them back before running it, or keep them out of migrations.');
  }
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

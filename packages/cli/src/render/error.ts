import { explainCommandFor } from '../hints.js';
import { plain, type Paint } from './style.js';

/** An error as the CLI reports it, in both human and `--json` modes. */
export interface ErrorReport {
  /** Stable code: a core `MigrateErrorCode`, or one of the CLI's own ({@link CliErrorCode}). */
  readonly code: string;
  readonly message: string;
  /** What to do about it, from `hints.ts`. */
  readonly hint?: string | undefined;
  /** The process exit status. */
  readonly exitCode: number;
  /**
   * Where in a migration's file the error arose, as `path:line:column` (the path relative
   * to the working directory), when the error says; also in {@link data}.
   */
  readonly location?: string | undefined;
  /** The error's data fields (revision, path, heads…), already redacted. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Messages of the causes, outermost first, already redacted; printed with `--verbose`. */
  readonly causes: readonly string[];
}

/** Codes the CLI gives to errors that do not come from core. */
export type CliErrorCode =
  /** oclif refused the command line (unknown flag, missing argument…). */
  | 'INVALID_ARGUMENTS'
  /** The first word is no command (`cgmigrate upgarde`); the hint suggests the closest one. */
  | 'COMMAND_NOT_FOUND'
  /** Anything else: a bug, or an error an adapter did not wrap. */
  | 'UNEXPECTED_ERROR';

/**
 * The stderr lines for an error in human mode:
 * ```
 * Error [REVISION_NOT_FOUND]: Can't locate revision identified by 'x'
 * Hint: Run `cgmigrate history` to list the revisions; …
 * See: cgmigrate explain REVISION_NOT_FOUND
 * ```
 * An error inside a migration adds where, under its message:
 * `Location: migrations/versions/a1f3_create_scans.ts:12:7`.
 * The last line names the command that prints the code's section of the error reference
 * (docs/errors.md), which ships with the CLI. Lines are not wrapped, so paths and commands
 * stay whole for copying.
 */
export function formatError(report: ErrorReport, options: { verbose?: boolean; paint?: Paint; bin?: string } = {}): string {
  const paint = options.paint ?? plain;
  const lines = [`${paint('red', `Error [${report.code}]:`)} ${report.message}`];
  if (report.location !== undefined) lines.push(`${paint('dim', 'Location:')} ${report.location}`);
  if (options.verbose) for (const cause of report.causes) lines.push(`${paint('dim', 'Caused by:')} ${cause}`);
  if (report.hint) lines.push(`${paint('bold', 'Hint:')} ${report.hint}`);
  if (report.code !== 'UNEXPECTED_ERROR') lines.push(`${paint('dim', 'See:')} ${explainCommandFor(report.code, options.bin ?? 'cgmigrate')}`);
  return lines.join('\n');
}

/**
 * The `--json` document for an error: `{ error: { code, message, hint, docs, exitCode, …data } }`,
 * exactly what docs/json/error.schema.json documents: the exit status once, as `exitCode`
 * (oclif's own `oclif.exit` stays on the thrown error, out of the document). `docs` is the
 * command that prints the code's section of the error reference, the same as the `See:` line
 * of the text output: the reference ships with the CLI, a repository path would not be there
 * after a global install.
 */
export function errorJson(report: ErrorReport, options: { bin?: string } = {}): { error: Record<string, unknown> } {
  return {
    error: {
      ...report.data,
      code: report.code,
      message: report.message,
      ...(report.hint ? { hint: report.hint } : {}),
      docs: explainCommandFor(report.code, options.bin ?? 'cgmigrate'),
      exitCode: report.exitCode,
    },
  };
}

import path from 'node:path';
import { createEnvironment, isMigrateError, type InterruptedError, loadConfig, redactUrl, useModuleHooksForMigrations, type MigrationEnvironment, type ResolvedConfig } from '@cloudguard/migrate-core';
import { type AdapterRegistry } from '@cloudguard/migrate-core/adapter';
import { describeCompileCache, describeFactCache, describeScriptCache } from '@cloudguard/migrate-core/private-cache';
import { builtinAdapters } from '../adapters.js';
import { exitStatusForError, ExitStatus } from '../exit-codes.js';
import { hintFor } from '../hints.js';
import { Redactor } from '../redact.js';
import { errorJson, formatError, type ErrorReport } from '../render/error.js';
import { Progress } from '../render/progress.js';
import { formatSourceLocation, isSourceLocation, migrationFrames } from '../render/source-location.js';
import { painterFor } from '../render/style.js';
import { interruptionLine, verifyInterruptionLine } from './interruption.js';
import { superviseMigration } from './process-guard.js';

/** The flags every cgmigrate command takes, parsed. */
export interface CommonFlags {
  readonly config?: string | undefined;
  readonly url?: string | undefined;
  readonly quiet?: boolean | undefined;
  readonly verbose?: boolean | undefined;
  readonly json?: boolean | undefined;
}

/** What a {@link CommandContext} needs to know about the invocation. */
export interface CommandInvocation {
  /** The command id, e.g. `history`; hints name it. */
  readonly command: string;
  /** The executable name, `cgmigrate`. */
  readonly bin: string;
  /** The arguments after the command id (URLs in them are redacted). */
  readonly argv: readonly string[];
  readonly flags: CommonFlags;
  /** `--json` is on: stdout carries one JSON document and nothing else. */
  readonly json: boolean;
  /**
   * Called with the configuration before anything is printed; may throw to stop the
   * command (the fast entry uses it to hand a URL scheme it does not know to oclif).
   */
  readonly beforeEnvironment?: ((config: ResolvedConfig) => void) | undefined;
  /**
   * The adapters to offer, given a way to print a warning; the built-in ones when absent
   * (the oclif commands add those of installed plugins).
   */
  readonly adapters?: ((warn: (message: string) => void) => Promise<AdapterRegistry>) | undefined;
}

/**
 * Everything a command's body shares with the others, without oclif: the
 * environment, output on stdout and stderr, redaction, and the error report with its
 * exit status. The oclif command classes (`BaseCommand`) and the fast entry
 * (`run/fast-entry.ts`) both run command bodies (`run/<command>.ts`) in one, so both
 * print the same bytes and exit with the same status.
 *
 * Output rules: data goes to stdout (or the JSON document with `--json`); progress,
 * notes, warnings and errors go to stderr. `--quiet` silences progress and notes.
 * Every line and document passes through the {@link Redactor}.
 */
export class CommandContext {
  readonly invocation: CommandInvocation;
  readonly #redactor = new Redactor();
  readonly #stderrPaint = painterFor(process.stderr);
  #adapters: AdapterRegistry | undefined;
  #progress: Progress | undefined;

  constructor(invocation: CommandInvocation) {
    this.invocation = invocation;
    // The CLI owns its process: migrations it imports may take the module hook that core
    // never installs for a service on its own.
    useModuleHooksForMigrations();
    this.#redactor.add(process.env['DATABASE_URL'], ...Redactor.urlsInArgv(invocation.argv));
  }

  get flags(): CommonFlags {
    return this.invocation.flags;
  }

  get verbose(): boolean {
    return this.invocation.flags.verbose === true;
  }

  get json(): boolean {
    return this.invocation.json;
  }

  /**
   * Loads the configuration and builds the environment core's commands run in. The
   * adapters are registered but not loaded: a driver loads only when a command opens
   * the database.
   *
   * @throws {ConfigNotFoundError} {@link ConfigInvalidError}
   */
  async environment(): Promise<MigrationEnvironment> {
    const config = await loadConfig({
      cwd: process.cwd(),
      configPath: this.flags.config,
      url: this.flags.url,
      env: process.env,
    });
    this.#redactor.add(config.url, config.shadowUrl);
    this.invocation.beforeEnvironment?.(config);
    if (this.verbose) this.note([describeConfig(config), ...describeCaches(config)].join('\n'));
    const warn = (message: string) => this.warn(message);
    this.#adapters = this.invocation.adapters ? await this.invocation.adapters(warn) : builtinAdapters();
    const stderr = {
      write: (text: string) => process.stderr.write(this.#redactor.text(text)),
      isTTY: process.stderr.isTTY,
      columns: process.stderr.columns,
    };
    const progress = new Progress(stderr, { verbose: this.verbose, quiet: this.flags.quiet, paint: this.#stderrPaint });
    this.#progress = progress;
    return createEnvironment(config, { adapters: this.#adapters, onEvent: (event) => progress.handle(event) });
  }

  /**
   * Runs a command that migrates (upgrade, downgrade, stamp) with the `AbortSignal` the
   * CLI aborts on SIGINT/SIGTERM, an unhandled rejection, an uncaught exception or an
   * event loop that empties with the run unfinished (see {@link superviseMigration}).
   */
  supervise<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return superviseMigration(
      {
        line: (text) => this.#stderr(text),
        fail: (error) => {
          this.finishProgress({ failed: true });
          this.printError(error);
        },
      },
      work,
    );
  }

  /** Ends the progress display (the step on screen, the total); safe to call more than once. */
  finishProgress(outcome: { readonly failed: boolean }): void {
    this.#progress?.finish(outcome);
  }

  /** Prints data on stdout, as one write (nothing with `--json`, which prints the result instead). */
  out(text: string): void {
    if (!this.json) process.stdout.write(`${this.#redactor.text(text)}\n`);
  }

  /** Prints a status message on stderr, unless `--quiet`. */
  note(text: string): void {
    if (!this.flags.quiet) this.#stderr(text);
  }

  /** Prints a `Hint:` line on stderr, as an error's hint is printed: even with `--quiet`. */
  hint(text: string): void {
    this.#stderr(`${this.#stderrPaint('bold', 'Hint:')} ${text}`);
  }

  /** Prints a `Warning:` line on stderr, even with `--quiet`. */
  warn(text: string): void {
    this.#stderr(`Warning: ${text}`);
  }

  /** Adds credentials to mask in everything printed from now on: those of each URL given (a fleet's targets, a control database). */
  redactUrls(...urls: readonly (string | undefined)[]): void {
    this.#redactor.add(...urls);
  }

  /** Prints a line on stderr even with `--quiet`: what a user must see (a fleet's failed targets). */
  alwaysLine(text: string): void {
    this.#stderr(text);
  }

  /** Writes text on stderr as it is (a progress line redrawn in place), redacted; nothing with `--quiet`. */
  writeProgress(text: string): void {
    if (!this.flags.quiet) process.stderr.write(this.#redactor.text(text));
  }

  /** The text as every output prints it: each known credential, and those of any URL in it, masked. */
  redact(text: string): string {
    return this.#redactor.text(text);
  }

  /** Prints a JSON document on stdout, redacted, indented as oclif's `logJson` does. */
  printJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(this.#redactor.value(json), undefined, 2)}\n`);
  }

  /** Turns any error into the report the user sees: code, message, hint, exit status. */
  report(error: unknown): ErrorReport {
    const redact = this.#redactor;
    if (isMigrateError(error)) {
      const { code: _code, name: _name, message: _message, location: rawLocation, ...data } =
        typeof error.toJSON === 'function' ? error.toJSON() : ({} as Record<string, unknown>);
      const hint = hintFor(error, {
        command: this.invocation.command,
        bin: this.invocation.bin,
        schemes: this.#adapters?.schemes,
      });
      const located = isSourceLocation(rawLocation) ? rawLocation : undefined;
      const location = located === undefined ? undefined : redact.text(formatSourceLocation(located, process.cwd()));
      // With --verbose, the frames of the migration's own error that point into the migrations.
      const frames = this.verbose && located !== undefined ? (stack: string) => migrationFrames(stack, located, process.cwd()) : undefined;
      const causes = causeMessages(error, frames).map((message) => redact.text(message));
      return {
        code: error.code,
        message: redact.text(error.message),
        hint: hint === undefined ? undefined : redact.text(hint),
        exitCode: exitStatusForError(error),
        data: redact.value(location === undefined ? data : { ...data, location }),
        ...(location === undefined ? {} : { location }),
        causes,
      };
    }
    const causes = causeMessages(error).map((message) => redact.text(message));
    const failure = error as { message?: string; stack?: string; oclif?: { exit?: unknown } } | undefined;
    const oclifExit = failure?.oclif?.exit;
    const isUsage = typeof oclifExit === 'number' && oclifExit !== 0;
    return {
      code: isUsage ? 'INVALID_ARGUMENTS' : 'UNEXPECTED_ERROR',
      message: redact.text(failure?.message || String(error)),
      // oclif's usage messages already end with "See more help with --help".
      hint: undefined,
      exitCode: isUsage ? oclifExit : ExitStatus.failure,
      data: {},
      causes: this.verbose && !isUsage && failure?.stack ? [redact.text(failure.stack), ...causes] : causes,
    };
  }

  /** Prints an error's report (JSON on stdout with `--json`, text on stderr otherwise) and returns it. */
  printError(error: unknown): ErrorReport {
    const report = this.report(error);
    if (this.json) this.printJson(errorJson(report, { bin: this.invocation.bin }));
    // One line, as an interrupted Unix tool prints: what was rolled back, where the database is.
    else if (isMigrateError(error) && error.code === 'INTERRUPTED') {
      this.#stderr(this.invocation.command === 'verify' ? verifyInterruptionLine() : interruptionLine(error as InterruptedError, this.invocation.bin));
    }
    else this.#stderr(formatError(report, { verbose: this.verbose, paint: this.#stderrPaint, bin: this.invocation.bin }));
    return report;
  }

  #stderr(text: string): void {
    process.stderr.write(`${this.#redactor.text(text)}\n`);
  }
}

function describeConfig(config: ResolvedConfig): string {
  const source = {
    flag: '--url',
    env: 'DATABASE_URL',
    config: config.configPath ?? 'the config file',
    default: 'the default',
  }[config.urlSource];
  return [
    `Config: ${config.configPath ?? '(none; defaults)'}`,
    `Database: ${redactUrl(config.url)} (from ${source})`,
    `Script location: ${config.scriptLocation}`,
  ].join('\n');
}

/** Where cgmigrate keeps its caches for this project, or why one is not used. */
function describeCaches(config: ResolvedConfig): string[] {
  return [describeCompileCache(), describeScriptCache(path.join(config.scriptLocation, 'versions')), describeFactCache(config.scriptLocation)];
}

/**
 * The causes of `error`, outermost first, as `Name: message`; the first one followed by
 * the lines `frames` picks from its stack, when given.
 */
function causeMessages(error: unknown, frames?: (stack: string) => readonly string[]): string[] {
  const messages: string[] = [];
  let cause = (error as { cause?: unknown } | undefined)?.cause;
  while (cause !== undefined && cause !== null && messages.length < 10) {
    const message = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const stack = frames !== undefined && messages.length === 0 && cause instanceof Error ? cause.stack : undefined;
    messages.push(typeof stack === 'string' ? [message, ...frames!(stack)].join('\n') : message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return messages;
}

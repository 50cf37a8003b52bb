import type { MigrationEnvironment } from '@cloudguard/migrate-core';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { silenceTypelessPackageWarning } from './node-warnings.js';
import { cliAdapters } from './adapters.js';
import { CommandContext, type CommonFlags } from './run/command-context.js';
import { trapProcessExit } from './run/process-guard.js';

const GLOBAL = 'GLOBAL';

/** The flags every cgmigrate command takes, parsed (those a command does not declare are absent). */
export type BaseFlags = CommonFlags;

/**
 * Base of every cgmigrate command, in the manner of Salesforce's `SfCommand<T>`:
 * `run()` returns the core command's typed result, which `--json` prints; errors
 * become one `ErrorReport`, shown as text or JSON, with the same exit status. The
 * output, redaction and error report live in {@link CommandContext}, which the fast
 * entry (`bin/run.js` → `run/fast-entry.ts`) uses too.
 *
 * Output rules: data goes to stdout (or the JSON document with `--json`); progress,
 * notes, warnings and errors go to stderr. `--quiet` silences progress and notes;
 * `--json` only changes stdout. Every line and document printed passes through the
 * redactor, so a database password never appears.
 *
 * ### Examples
 * ```ts
 * export default class Current extends BaseCommand<CurrentResult> {
 *   static override summary = 'Show the current revision';
 *   async run(): Promise<CurrentResult> {
 *     const result = await current(await this.environment());
 *     for (const rev of result.revisions) this.out(formatCurrentLine(rev));
 *     return result;
 *   }
 * }
 * ```
 */
export abstract class BaseCommand<T> extends Command {
  static override enableJsonFlag = true;

  // Typed as oclif's, so that a command that reads no config and no database may declare fewer (`explain`).
  static override baseFlags: Interfaces.FlagInput = {
    config: Flags.string({
      char: 'c',
      summary: 'Config file to read instead of cgmigrate.config.{ts,mts,js,mjs,json} in the working directory.',
      helpValue: '<path>',
      helpGroup: GLOBAL,
    }),
    url: Flags.string({
      summary:
        'Database URL. Precedence: --url, then DATABASE_URL, then `url` in the config file, then sqlite:///cloudguard.db.',
      helpValue: '<url>',
      helpGroup: GLOBAL,
    }),
    quiet: Flags.boolean({
      char: 'q',
      summary: 'Print no progress or notes on stderr; data and errors still appear.',
      exclusive: ['verbose'],
      helpGroup: GLOBAL,
    }),
    verbose: Flags.boolean({
      char: 'v',
      summary:
        'Say which config and database are used, time each step, show the causes of errors, and print revisions in full (history, heads, branches, current).',
      helpGroup: GLOBAL,
    }),
  };

  /** The common flags, parsed in {@link init}. */
  protected baseFlags: BaseFlags = { config: undefined, url: undefined, quiet: false, verbose: false, json: undefined };

  /**
   * The command line parsed once, in {@link init}, against the command's own flags and
   * args as well: commands read it here instead of parsing again.
   */
  protected parsedInput: { flags: Record<string, unknown>; args: Record<string, unknown>; argv: unknown[] } = {
    flags: {},
    args: {},
    argv: [],
  };

  #context: CommandContext | undefined;
  /** Puts `process.exit` back (see {@link trapProcessExit}); set while the command runs. */
  #restoreExit: (() => void) | undefined;

  abstract override run(): Promise<T>;

  protected override async init(): Promise<void> {
    // From here to finally(), a migration or the config calling process.exit() fails instead of exiting.
    this.#restoreExit = trapProcessExit();
    await super.init();
    // Before the config file and the migrations are imported.
    silenceTypelessPackageWarning();
    const ctor = this.ctor as typeof BaseCommand;
    const parsed = await this.parse({
      flags: ctor.flags,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      args: ctor.args,
      strict: ctor.strict,
    });
    this.parsedInput = { flags: parsed.flags, args: parsed.args, argv: parsed.argv };
    this.baseFlags = parsed.flags as BaseFlags;
  }

  /**
   * What the command body shares with the fast entry: output, redaction, the
   * environment and the error report (see {@link CommandContext}). Made on first use,
   * after the flags are parsed (or with the defaults when parsing failed).
   */
  protected get context(): CommandContext {
    this.#context ??= new CommandContext({
      command: this.id ?? '',
      bin: this.config.bin,
      argv: this.argv,
      flags: this.baseFlags,
      json: this.jsonEnabled(),
      // Adapters of installed plugins (oclif hook `cgmigrate:adapters`) join the built-in ones.
      adapters: (warn) => cliAdapters(this.config, warn),
    });
    return this.#context;
  }

  /**
   * Loads the configuration and builds the environment core's commands run in. The
   * adapters are registered but not loaded: a driver loads only when a command opens
   * the database.
   *
   * @throws {ConfigNotFoundError} {@link ConfigInvalidError}
   */
  protected environment(): Promise<MigrationEnvironment> {
    return this.context.environment();
  }

  /** Prints data on stdout (nothing with `--json`, which prints the result instead). */
  protected out(text: string): void {
    this.context.out(text);
  }

  /** Prints a status message on stderr, unless `--quiet`. */
  protected note(text: string): void {
    this.context.note(text);
  }

  protected override logJson(json: unknown): void {
    this.context.printJson(json);
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    this.#restoreExit?.();
    this.#restoreExit = undefined;
    this.#context?.finishProgress({ failed: error !== undefined });
    await super.finally(error);
  }

  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    // The step that failed is ended on its own line before the error is shown.
    this.#context?.finishProgress({ failed: true });
    const report = this.context.printError(error);
    process.exitCode = report.exitCode;
    // Already printed: oclif only has to exit with the status.
    const exit = new Errors.CLIError(report.message, { code: report.code, exit: report.exitCode });
    exit.skipOclifErrorHandling = true;
    throw Object.assign(exit, { exitCode: report.exitCode });
  }
}

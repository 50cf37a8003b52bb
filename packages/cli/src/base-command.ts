import {
  createEnvironment,
  isMigrateError,
  loadConfig,
  redactUrl,
  type AdapterRegistry,
  type MigrationEnvironment,
  type ResolvedConfig,
} from '@cloudguard/migrate-core';
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import { cliAdapters } from './adapters.js';
import { exitStatusFor, ExitStatus } from './exit-codes.js';
import { hintFor } from './hints.js';
import { silenceTypelessPackageWarning } from './node-warnings.js';
import { Redactor } from './redact.js';
import { errorJson, formatError, type ErrorReport } from './render/error.js';
import { Progress } from './render/progress.js';
import { painterFor } from './render/style.js';

const GLOBAL = 'GLOBAL';

/** The flags every cgmigrate command takes. */
export type BaseFlags = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags']>;

/**
 * Base of every cgmigrate command, in the manner of Salesforce's `SfCommand<T>`:
 * `run()` returns the core command's typed result, which `--json` prints; errors
 * become one {@link ErrorReport}, shown as text or JSON, with the same exit status.
 *
 * Output rules: data goes to stdout (or the JSON document with `--json`); progress,
 * notes, warnings and errors go to stderr. `--quiet` silences progress and notes;
 * `--json` only changes stdout. Every line and document printed passes through the
 * {@link Redactor}, so a database password never appears.
 *
 * ### Examples
 * ```ts
 * export default class Current extends BaseCommand<CurrentResult> {
 *   static override summary = 'Show the current revision';
 *   async run(): Promise<CurrentResult> {
 *     await this.parse(Current);
 *     const result = await current(await this.environment());
 *     for (const rev of result.revisions) this.out(formatCurrentLine(rev));
 *     return result;
 *   }
 * }
 * ```
 */
export abstract class BaseCommand<T> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
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

  readonly #redactor = new Redactor();
  #adapters: AdapterRegistry | undefined;
  readonly #stderrPaint = painterFor(process.stderr);
  #progress: Progress | undefined;

  abstract override run(): Promise<T>;

  protected override async init(): Promise<void> {
    await super.init();
    // Before the config file and the migrations are imported.
    silenceTypelessPackageWarning();
    this.#redactor.add(process.env['DATABASE_URL'], ...Redactor.urlsInArgv(this.argv));
    const ctor = this.ctor as typeof BaseCommand;
    const { flags } = await this.parse({
      flags: ctor.flags,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      args: ctor.args,
      strict: ctor.strict,
    });
    this.baseFlags = flags as BaseFlags;
  }

  /**
   * Loads the configuration and builds the environment core's commands run in. The
   * adapters are registered but not loaded: a driver loads only when a command opens
   * the database.
   *
   * @throws {ConfigNotFoundError} {@link ConfigInvalidError}
   */
  protected async environment(): Promise<MigrationEnvironment> {
    const config = await loadConfig({
      cwd: process.cwd(),
      configPath: this.baseFlags.config,
      url: this.baseFlags.url,
      env: process.env,
    });
    this.#redactor.add(config.url);
    if (this.baseFlags.verbose) this.note(describeConfig(config));
    this.#adapters = await cliAdapters(this.config, (message) => this.#stderr(`Warning: ${message}`));
    const stderr = { write: (text: string) => process.stderr.write(this.#redactor.text(text)), isTTY: process.stderr.isTTY, columns: process.stderr.columns };
    this.#progress = new Progress(stderr, { verbose: this.baseFlags.verbose, quiet: this.baseFlags.quiet, paint: this.#stderrPaint });
    return createEnvironment(config, { adapters: this.#adapters, onEvent: (event) => this.#progress?.handle(event) });
  }

  /** Prints data on stdout (nothing with `--json`, which prints the result instead). */
  protected out(text: string): void {
    this.log(this.#redactor.text(text));
  }

  /** Prints a status message on stderr, unless `--quiet`. */
  protected note(text: string): void {
    if (!this.baseFlags.quiet) this.#stderr(text);
  }

  protected override logJson(json: unknown): void {
    super.logJson(this.#redactor.value(json));
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    this.#progress?.finish({ failed: error !== undefined });
    await super.finally(error);
  }

  protected override async catch(error: Interfaces.CommandError): Promise<never> {
    // The step that failed is ended on its own line before the error is shown.
    this.#progress?.finish({ failed: true });
    const report = this.#report(error);
    process.exitCode = report.exitCode;
    if (this.jsonEnabled()) {
      this.logJson(errorJson(report));
    } else {
      this.#stderr(formatError(report, { verbose: this.baseFlags.verbose, paint: this.#stderrPaint }));
    }
    // Already printed: oclif only has to exit with the status.
    const exit = new Errors.CLIError(report.message, { code: report.code, exit: report.exitCode });
    exit.skipOclifErrorHandling = true;
    throw Object.assign(exit, { exitCode: report.exitCode });
  }

  #report(error: Interfaces.CommandError): ErrorReport {
    const redact = this.#redactor;
    const causes = causeMessages(error).map((message) => redact.text(message));
    if (isMigrateError(error)) {
      const { code: _code, name: _name, message: _message, ...data } =
        typeof error.toJSON === 'function' ? error.toJSON() : ({} as Record<string, unknown>);
      return {
        code: error.code,
        message: redact.text(error.message),
        hint: optional(hintFor(error, { command: this.id, bin: this.config.bin, schemes: this.#adapters?.schemes }), (h) =>
          redact.text(h),
        ),
        exitCode: exitStatusFor(error.code),
        data: redact.value(data),
        causes,
      };
    }
    const oclifExit = error.oclif?.exit;
    const isUsage = typeof oclifExit === 'number' && oclifExit !== 0;
    return {
      code: isUsage ? 'INVALID_ARGUMENTS' : 'UNEXPECTED_ERROR',
      message: redact.text(error.message || String(error)),
      // oclif's usage messages already end with "See more help with --help".
      hint: undefined,
      exitCode: isUsage ? oclifExit : ExitStatus.failure,
      data: {},
      causes: this.baseFlags.verbose && !isUsage && error.stack ? [redact.text(error.stack), ...causes] : causes,
    };
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

function causeMessages(error: unknown): string[] {
  const messages: string[] = [];
  let cause = (error as { cause?: unknown }).cause;
  while (cause !== undefined && cause !== null && messages.length < 10) {
    messages.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause));
    cause = (cause as { cause?: unknown }).cause;
  }
  return messages;
}

function optional<A, B>(value: A | undefined, map: (value: A) => B): B | undefined {
  return value === undefined ? undefined : map(value);
}

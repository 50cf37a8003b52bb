import { InterruptedError } from '@cloudguard/migrate-core';
import { signalExitStatus } from '../exit-codes.js';

/**
 * What the CLI, and only the CLI, does to the process while a command runs: core is a
 * library and installs no process-wide hook; the CLI owns its process, so it turns what
 * would end it behind cgmigrate's back into errors of the migration that caused them.
 *
 * - {@link trapProcessExit}: `process.exit()` from a migration, or from the config file,
 *   throws instead of exiting (exiting would leave the run half done and report success
 *   or a bare status);
 * - {@link superviseMigration}: while a command migrates, an unhandled rejection, an
 *   exception thrown from a timer, SIGINT/SIGTERM and an event loop that empties with
 *   the run unfinished abort the run's `AbortSignal`, so the step running fails, its
 *   transaction rolls back and the lock is released.
 *
 * @packageDocumentation
 */

/** `process.exit` as Node made it: the CLI's own exits (here, and `bin/run.js`) go through it. */
const exitProcess: (code?: number) => never = process.exit.bind(process);

/** How long a rollback may take after SIGINT/SIGTERM before the process exits and leaves it to the database. */
export const ROLLBACK_GRACE_MS = 5000;

/** What `process.exit()` throws while a command runs. */
export class ProcessExitCalledError extends Error {
  /** The status it asked for. */
  readonly exitCode: string | number | null | undefined;
  constructor(exitCode: string | number | null | undefined) {
    super(`called process.exit(${exitCode ?? ''}) (cgmigrate stopped the migration there instead of exiting)`);
    this.name = 'ProcessExitCalledError';
    this.exitCode = exitCode;
  }
}

/**
 * Makes `process.exit()` throw {@link ProcessExitCalledError} until the returned function
 * is called. In `up()` the migration then fails (MIGRATION_FAILED, rolled back); at a
 * migration's top level its import fails (an error naming the file); in the config file
 * loading it fails (CONFIG_INVALID naming the file).
 */
export function trapProcessExit(): () => void {
  const previous = process.exit;
  process.exit = function trappedExit(code?: string | number | null): never {
    throw new ProcessExitCalledError(code);
  } as typeof process.exit;
  return () => {
    process.exit = previous;
  };
}

/** The cause of a step failed by a promise that rejected with no handler while it ran. */
export class UnhandledRejectionError extends Error {
  constructor(reason: unknown) {
    super(`a promise rejected and nothing handled it: ${describe(reason)}`, { cause: reason });
    this.name = 'UnhandledRejectionError';
  }
}

/** The cause of a step failed by an exception thrown outside its call chain (a timer, an event callback). */
export class UncaughtExceptionError extends Error {
  constructor(error: unknown) {
    super(`an exception was thrown from a timer or callback and nothing caught it: ${describe(error)}`, { cause: error });
    this.name = 'UncaughtExceptionError';
  }
}

/** The cause of a step that waits for something that can never happen. */
export class NeverSettlesError extends Error {
  constructor() {
    super(
      'the migration awaited something that can never settle: Node.js had nothing left to run while the step waited ' +
        '(a promise nobody resolves?); set stepTimeout to bound a step',
    );
    this.name = 'NeverSettlesError';
  }
}

/** What {@link superviseMigration} needs from the command. */
export interface SupervisionOutput {
  /** Prints one line on stderr, even with `--quiet`. */
  line(text: string): void;
  /** Reports an error as the command would, before the process exits. */
  fail(error: unknown): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs a migrating command's work with an `AbortSignal` that these abort:
 *
 * - an unhandled rejection or an uncaught exception (with {@link UnhandledRejectionError},
 *   {@link UncaughtExceptionError}): the step running fails as MIGRATION_FAILED;
 * - SIGINT or SIGTERM (with an {@link InterruptedError}): the run stops as INTERRUPTED. If
 *   the rollback has not finished {@link ROLLBACK_GRACE_MS} later (a statement is still
 *   running on the server), or at a second signal, the process exits at once with
 *   128 + the signal's number: closing the connection makes the database roll back what
 *   was not committed, and frees the lock;
 * - the event loop emptying with the work unfinished (`beforeExit`; Node would exit with
 *   status 13 for the unsettled top-level await): {@link NeverSettlesError}. If it empties
 *   again, the error is reported and the process exits 1.
 *
 * Every listener is removed when the work ends.
 */
export async function superviseMigration<T>(output: SupervisionOutput, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const abort = (reason: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  let interruptedBy: string | undefined;
  let forceExit: NodeJS.Timeout | undefined;
  let drained = false;

  const onRejection = (reason: unknown): void => abort(new UnhandledRejectionError(reason));
  const onException = (error: unknown): void => abort(new UncaughtExceptionError(error));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy !== undefined) {
      output.line(
        `Interrupted again by ${signal}: exiting now; the database rolls back what was not committed when the connection closes.`,
      );
      exitProcess(signalExitStatus(interruptedBy));
    }
    interruptedBy = signal;
    abort(new InterruptedError(signal));
    forceExit = setTimeout(() => {
      output.line(
        `Interrupted: the run did not stop within ${ROLLBACK_GRACE_MS / 1000} s (a statement or a lock wait is still running), so ` +
          'cgmigrate exits and closes the connection: the database rolls back what was not committed and the lock is freed. ' +
          'Run `cgmigrate current` to see the revision.',
      );
      exitProcess(signalExitStatus(signal));
    }, ROLLBACK_GRACE_MS);
    forceExit.unref();
  };
  const onBeforeExit = (): void => {
    if (!drained) {
      drained = true;
      abort(new NeverSettlesError());
      return;
    }
    output.fail(controller.signal.reason);
    exitProcess(1);
  };

  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('beforeExit', onBeforeExit);
  try {
    return await work(controller.signal);
  } finally {
    if (forceExit !== undefined) clearTimeout(forceExit);
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('beforeExit', onBeforeExit);
  }
}

function describe(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}

/**
 * Renders what one revision's `up()` will run, statement by statement, without a
 * database, and where in the migration file each statement comes from: the safety lint
 * reads these. Schema operations are compiled for the dialect as offline mode compiles
 * them (from a schema model of the revisions before); raw SQL is rendered as offline mode
 * renders it. The line of each statement is the line of the `op` call in the migration
 * file that produced it, read from the call's stack. A compiled statement carries its
 * operation, with the operation's table as the model knew it just before (the old type of
 * a column it changes).
 *
 * @packageDocumentation
 */

import { pathToFileURL } from 'node:url';

import type { OfflineRenderer, OfflineStatementSink } from '../adapter/dialect-adapter.js';
import type { LintedOperation, LintStatement } from '../adapter/statement-linter.js';
import { isMigrateError } from '../errors.js';
import type { MigrationOperations } from '../migration.js';
import { SchemaTracker } from '../offline/offline-connection.js';
import type { SchemaModel } from '../operations/schema-model.js';
import type { LazySchemaModel } from './lazy-schema-model.js';
import { refusingProxy } from '../offline/refusing-proxy.js';
import type { QualifiedName, SchemaOperation } from '../operations/schema-operation.js';
import type { Revision } from '../revision/revision.js';
import { statementForDialect } from '../runtime/run-schema-operation.js';
import { schemaMethods } from '../runtime/schema-methods.js';
import type { ScriptDirectory } from '../script/script-directory.js';

/** A statement of a migration, with where in the migration file it comes from. */
export interface RecordedStatement extends LintStatement {
  /** 1-based line of the `op` call that produced it; undefined when no frame of the file was on the stack. Read on demand. */
  line(): number | undefined;
}

/** A part of a migration that could not be rendered, and why. */
export interface UnrenderedPart {
  readonly line: number | undefined;
  readonly reason: string;
}

/** What {@link recordMigrationStatements} rendered of one revision. */
export interface RecordedMigration {
  readonly statements: readonly RecordedStatement[];
  /** What could not be rendered: an operation the compiler refused, or the rest of `up()` after it read the database. */
  readonly unrendered: readonly UnrenderedPart[];
}

/** How to render: the dialect's offline renderer, and the schema model the revision starts from (it is updated). */
export interface RecordingTools {
  readonly dialect: string;
  readonly renderer: OfflineRenderer;
  readonly model: LazySchemaModel;
  /**
   * How long `up()` may take offline: past it the migration is reported unrendered and
   * the lint goes on (a migration that sleeps, or waits on something no offline run
   * gives it, must not hold a deploy). What it does later is refused.
   */
  readonly timeoutMs: number;
  /** Stops the recording: it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
}

/** How many stack frames are read to find the migration file's: a direct `op` call is a few frames down. */
const OP_CALL_DEPTH = 8;
/** The same for `op.db` statements, which come through the query builder's frames. */
const QUERY_BUILDER_DEPTH = 64;

/** Raised inside the recorded `up()` when it reads the database: nothing after it can be rendered. */
class ReadRefused extends Error {}

/**
 * The statements `revision`'s `up()` runs, in order. The migration is imported (once per
 * script directory) and run against an `op` that records; it never reaches a database.
 * An operation the compiler refuses is recorded as unrendered and the rest still runs;
 * a read of the database (`op.query`, a `SELECT` through `op.db`) ends the recording,
 * since what follows may depend on what it would have read.
 */
export async function recordMigrationStatements(scripts: ScriptDirectory, revision: Revision, tools: RecordingTools): Promise<RecordedMigration> {
  const migration = await scripts.importMigration(revision);
  const { dialect, renderer } = tools;
  const inTransaction = migration.transactional !== false;
  const fileUrl = revision.path === undefined ? undefined : pathToFileURL(revision.path).href;
  /** Where the `op` call being made is: its line is worked out only if a finding needs it. */
  const lineOfCaller = (depth = OP_CALL_DEPTH): (() => number | undefined) => {
    if (fileUrl === undefined) return () => undefined;
    const sites = callSites(depth);
    return () => lineIn(sites, fileUrl, revision.path!);
  };
  const statements: RecordedStatement[] = [];
  const unrendered: UnrenderedPart[] = [];
  const running = () => ({ revision: revision.id, path: revision.path });
  // Made when the model is: a migration of raw SQL only never builds it.
  let tracker: SchemaTracker | undefined;
  const trackerOf = (model: SchemaModel): SchemaTracker => (tracker ??= new SchemaTracker(model, running));
  let operations = 0;
  /** Set once the recording is over: an `up()` still running past its time must not touch the model or the lists. */
  let ended = false;
  const notEnded = (): void => {
    if (ended) throw new ReadRefused('its up() went on after the lint had stopped waiting for it');
  };

  const raw = (sql: string, line: () => number | undefined): void => {
    notEnded();
    const built = tools.model.built;
    if (built !== undefined) trackerOf(built).raw(sql);
    else tools.model.rawBeforeBuilt(sql, `revision ${revision.id}`);
    statements.push({ sql, line, inTransaction });
  };
  const refuse = (what: string): never => {
    throw new ReadRefused(`it reads the database (${what}), so what it runs from there on cannot be known without running it`);
  };
  const sink: OfflineStatementSink = { statement: (sql) => raw(sql, lineOfCaller(QUERY_BUILDER_DEPTH)), refuseRead: refuse };
  let db: unknown;
  const op: MigrationOperations = {
    dialect,
    offline: true,
    execute: async (sql, params = []) => {
      notEnded();
      const line = lineOfCaller();
      const text = typeof sql === 'string' ? sql : statementForDialect(sql, { dialect, revision: revision.id, path: revision.path });
      raw(params.length === 0 ? text : renderer.inline(text, params), line);
    },
    query: async () => refuse('op.query'),
    bulkInsert: async (table, rows) => {
      notEnded();
      const line = lineOfCaller();
      for (const sql of renderer.bulkInsert(table, rows)) raw(sql, line);
    },
    // Built at the first use: most migrations never touch op.db, and the lint renders every one.
    get db() {
      db ??= renderer.queryBuilder?.(sink) ?? refusingProxy('op.db', (use) => refuse(use));
      return db;
    },
    connection: refusingProxy('op.connection', (use) => refuse(use)),
    ...schemaMethods(async (call, build) => {
      notEnded();
      const line = lineOfCaller();
      const operation = build();
      if (renderer.operationCompiler === undefined) {
        unrendered.push({ line: line(), reason: `${call}: the ${dialect} adapter does not compile schema operations offline` });
        return;
      }
      const model = await tools.model.model();
      const opTracker = trackerOf(model);
      const compiler = opTracker.compiling(renderer.operationCompiler);
      // Read before compiling: the tracker applies the operation to the model once compiled.
      const table = operationTable(operation);
      const tableBefore = table === undefined ? undefined : model.known(table);
      try {
        const compiled = await compiler.compile(operation, {
          dialect,
          offline: true,
          inTransaction,
          describeTable: async () => undefined,
        });
        // One object shared by the operation's statements, its table's definition not copied.
        const linted: LintedOperation = { index: operations++, kind: operation.kind, table, tableBefore };
        for (const sql of compiled.statements) {
          opTracker.raw(sql);
          statements.push({ sql, line, inTransaction, operation: linted });
        }
      } catch (error) {
        if (!isMigrateError(error)) throw error;
        unrendered.push({ line: line(), reason: `${call}: ${error.message}` });
      }
    }),
  };
  try {
    const settled = await settleWithin(Promise.resolve().then(() => migration.up(op)), tools.timeoutMs, tools.signal);
    if (settled === 'timeout') {
      unrendered.push({ line: undefined, reason: `its up() had not finished after ${tools.timeoutMs / 1000} s offline, so what it runs was not read` });
    }
  } catch (error) {
    if (tools.signal?.aborted === true && error === tools.signal.reason) {
      ended = true;
      throw error;
    }
    const reason = error instanceof ReadRefused ? error.message : `its up() failed when rendered offline: ${error instanceof Error ? error.message : String(error)}`;
    unrendered.push({ line: error instanceof Error && fileUrl !== undefined ? lineInStack(error.stack, fileUrl) : undefined, reason });
  }
  ended = true;
  return { statements, unrendered };
}

/**
 * Waits for `work` at most `timeoutMs`, and no longer than `signal` allows: `'done'`, or
 * `'timeout'` (the work goes on unobserved: its rejection is swallowed). Rejects with the
 * work's error, or with the signal's reason.
 */
async function settleWithin(work: Promise<unknown>, timeoutMs: number, signal: AbortSignal | undefined): Promise<'done' | 'timeout'> {
  signal?.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    // Not unref'd: a promise nobody resolves leaves only this timer, which must still end the wait.
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout, aborted]);
    if (outcome === 'timeout') work.catch(() => {});
    return outcome;
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}

/** The table an operation is on, when it is on one. */
function operationTable(operation: SchemaOperation): QualifiedName | undefined {
  return 'table' in operation ? operation.table : undefined;
}

/** The current call stack, as V8's call sites: their file and line are read only for the statements a finding is about. */
function callSites(depth: number): readonly NodeJS.CallSite[] {
  const holder: { stack?: unknown } = {};
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  // Call sites rather than the formatted text: formatting a stack costs more than taking it.
  // Both settings are put back before anything else can run.
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = depth;
  try {
    Error.captureStackTrace(holder, callSites);
    return holder.stack as NodeJS.CallSite[];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/**
 * The line of the innermost of `sites` in the migration file: named by its `file:` URL
 * (an ES module, as Node loads migrations) or by its path (a loader that names modules so).
 */
export function lineIn(sites: readonly NodeJS.CallSite[], fileUrl: string, file: string): number | undefined {
  for (const site of sites) {
    const name = site.getFileName();
    if (name === fileUrl || name === file) return site.getLineNumber() ?? undefined;
  }
  return undefined;
}

/** The line of the first frame of `fileUrl` in a V8 stack trace's text. */
function lineInStack(stack: string | undefined, fileUrl: string): number | undefined {
  if (stack === undefined) return undefined;
  let at = stack.indexOf(fileUrl + ':');
  while (at !== -1) {
    const match = /^:(\d+):\d+/.exec(stack.slice(at + fileUrl.length, at + fileUrl.length + 24));
    if (match !== null) return Number(match[1]);
    at = stack.indexOf(fileUrl + ':', at + 1);
  }
  return undefined;
}

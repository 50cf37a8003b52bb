/**
 * Running migrations for `verify` on one of its databases: the shared context, the
 * migration lock, and a runner of single steps through core's runner that follows the
 * version rows; a failed migration becomes a finding.
 *
 * @packageDocumentation
 */

import type { AdapterConnection, DialectAdapter, MigrationLock } from '../adapter/dialect-adapter.js';
import type { SchemaObjectFilter } from '../adapter/schema-change.js';
import { isMigrateError, type MigrationFailedError } from '../errors.js';
import { applyVersionChanges, type MigrationStep } from '../plan/migration-step.js';
import { planUpgrade, VersionRows } from '../plan/plan-upgrade.js';
import type { RevisionMap } from '../revision/revision-map.js';
import type { Revision } from '../revision/revision.js';
import { acquireLockReportingWait } from '../runtime/lock-wait-notice.js';
import { runSteps } from '../runtime/runner.js';
import type { ScriptFileCache } from '../runtime/script-file-cache.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import type { MigrationEnvironment } from './environment.js';
import { stepRunOptions } from './upgrade.js';
import type { VerifyDatabase } from './verify-database.js';
import type { VerifyCheck, VerifyDirection, VerifyFinding, VerifyFindingCode } from './verify-findings.js';

/** What the checks on the throwaway database share. */
export interface RunContext {
  readonly env: MigrationEnvironment;
  readonly adapter: DialectAdapter;
  readonly connection: AdapterConnection;
  readonly scripts: ScriptDirectory;
  readonly map: RevisionMap;
  readonly files: ScriptFileCache;
  /** Everything but the version and audit tables. */
  readonly include: SchemaObjectFilter;
  readonly from: string | undefined;
  readonly database: VerifyDatabase;
  readonly signal: AbortSignal | undefined;
}

/** Runs `work` with a {@link StepRunner} at the database's heads, holding the migration lock as every run does. */
export async function underLock<T>(ctx: RunContext, work: (runner: StepRunner) => Promise<T>): Promise<T> {
  const lock = await acquireLockReportingWait(ctx.connection, ctx.env.config.lockWait, ctx.env.onEvent);
  try {
    return await work(new StepRunner(ctx, lock, await ctx.connection.versionStore.read()));
  } finally {
    await lock.release();
  }
}

/**
 * Runs steps through core's runner on the throwaway database: each plan in the runner's
 * transactions, with its version and audit rows, checking the lock before each commit.
 * Follows the version rows the steps leave, as the planners simulate them.
 */
export class StepRunner {
  readonly #ctx: RunContext;
  readonly #lock: MigrationLock;
  #heads: string[];

  constructor(ctx: RunContext, lock: MigrationLock, heads: readonly string[] = []) {
    this.#ctx = ctx;
    this.#lock = lock;
    this.#heads = [...heads];
  }

  get heads(): readonly string[] {
    return this.#heads;
  }

  /** The `up` of one revision whose parents and dependencies are all applied: the planner's one step. */
  upStep(id: string): MigrationStep[] {
    const steps = planUpgrade(this.#ctx.map, this.#heads, id);
    if (steps.length !== 1 || steps[0]?.revision.id !== id) {
      throw new Error(`cgmigrate internal error: upgrading ${id} alone from ${this.#heads.join(', ') || 'base'} plans ${steps.length} steps`);
    }
    return steps;
  }

  /**
   * The `down` of the revision just applied (a current head), with the version rows
   * `downgrade` would write: a merge's down leaves its parents current.
   */
  downStep(revision: Revision): MigrationStep[] {
    const rows = new VersionRows(this.#ctx.map, this.#heads);
    return [{ direction: 'downgrade', revision, from: [revision.id], to: revision.downRevisions, versionChanges: rows.downgrade(revision.id) }];
  }

  /** Runs the steps; the failure as a finding, or `undefined` when they all committed. */
  async run(steps: readonly MigrationStep[], check: VerifyCheck, direction: VerifyDirection): Promise<VerifyFinding | undefined> {
    const { env, adapter, connection, scripts, files, signal } = this.#ctx;
    try {
      await runSteps(steps, { ...stepRunOptions(env, adapter, connection, scripts, this.#lock, files.readBytes), signal });
    } catch (error) {
      const finding = failedRun(error, check, direction, this.#ctx.map);
      if (finding === undefined) throw error;
      return finding;
    }
    this.#heads = steps.reduce<string[]>((heads, step) => applyVersionChanges(heads, step.versionChanges), this.#heads);
    return undefined;
  }
}

const FAILURE_CODES: Readonly<Record<VerifyDirection, VerifyFindingCode>> = {
  up: 'VERIFY_UPGRADE_FAILED',
  down: 'VERIFY_DOWN_FAILED',
  'second-up': 'VERIFY_SECOND_UP_FAILED',
};

const DIRECTION_WORDS: Readonly<Record<VerifyDirection, string>> = { up: 'up', down: 'down', 'second-up': 'second up (after its down)' };

/** A migration that failed (or cannot run down) as a finding; `undefined` for any other error, which verify throws. */
function failedRun(error: unknown, check: VerifyCheck, direction: VerifyDirection, map: RevisionMap): VerifyFinding | undefined {
  if (!isMigrateError(error)) return undefined;
  if (error.code === 'IRREVERSIBLE_MIGRATION') {
    const { revision, path } = error as unknown as { revision: string; path: string | undefined };
    return {
      code: 'VERIFY_DOWN_FAILED',
      check,
      direction: 'down',
      revision,
      path,
      message: `The down of ${described(revision, path)} cannot run: it has no down()`,
      reason: error.message,
    };
  }
  if (error.code !== 'MIGRATION_FAILED') return undefined;
  const failed = error as MigrationFailedError;
  const path = failed.path ?? (map.has(failed.revision) ? map.get(failed.revision).path : undefined);
  // A full run's failure is an up or a down by its own direction; the stairway's by which run it was.
  const actual: VerifyDirection = direction === 'second-up' ? 'second-up' : failed.direction === 'downgrade' ? 'down' : 'up';
  const reason = causeMessage(failed.cause);
  return {
    code: FAILURE_CODES[actual],
    check,
    direction: actual,
    revision: failed.revision,
    path,
    statement: failed.statement,
    reason,
    message:
      `The ${DIRECTION_WORDS[actual]} of ${described(failed.revision, path)} failed` +
      `${failed.statement ? ` at statement: ${failed.statement}` : ''}: ${reason}`,
  };
}

export function described(revision: string, path: string | undefined): string {
  return path === undefined ? revision : `${revision} (${path})`;
}

function causeMessage(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  return String(cause);
}

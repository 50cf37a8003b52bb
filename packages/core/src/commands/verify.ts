import { describeChange } from '../autogenerate/render-changes.js';
import { schemaFilter } from '../autogenerate/schema-filter.js';
import { planDowngrade } from '../plan/plan-downgrade.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { RevisionMap } from '../revision/revision-map.js';
import type { Revision } from '../revision/revision.js';
import type { MigrationEventListener } from '../runtime/events.js';
import { ScriptFileCache } from '../runtime/script-file-cache.js';
import { describeSkippedFile, ScriptDirectory } from '../script/script-directory.js';
import { compareWithDatabase } from './compare-with-database.js';
import { resolveAdapter, scriptDirectoryOptions, withConnection, type MigrationEnvironment } from './environment.js';
import { assertEmptyShadow, openVerifyDatabase, type VerifyDatabase } from './verify-database.js';
import type { VerifyCheck, VerifyFinding } from './verify-findings.js';
import { underLock, type RunContext, type StepRunner } from './verify-steps.js';
import { findTrace, leftTrace, traceDiffer, type TraceDiffer } from './verify-trace.js';
import { branchConflictFindings, checkGraphHeads, checkRevisionGraph } from './verify-graph.js';
import { findBranchConflicts } from './branch-conflicts.js';
import { lint, type LintOptions } from './lint.js';

export type { VerifyCheck, VerifyDirection, VerifyFinding, VerifyFindingCode } from './verify-findings.js';
export { describeTrace } from './verify-trace.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  /**
   * Upgrade the throwaway database straight to this revision (any upgrade target: an id,
   * a prefix, `<branch>@head`), then run the stairway only over the revisions it does not
   * include: what a branch adds. Default: from base, over every revision.
   */
  readonly from?: string | undefined;
  /** The empty database to use instead of a throwaway one; over `config.shadowUrl`. */
  readonly shadowUrl?: string | undefined;
  /** Stops the run (the migration running rolls back); the throwaway database is dropped all the same. */
  readonly signal?: AbortSignal | undefined;
  /** Told about each check and each revision as they pass. */
  readonly onProgress?: ((progress: VerifyProgress) => void) | undefined;
}

/** What {@link verify} reports as it goes. */
export type VerifyProgress =
  | { readonly type: 'database'; readonly kind: VerifyDatabase['kind']; readonly description: string }
  | { readonly type: 'check'; readonly check: VerifyCheck; readonly status: VerifyCheckStatus; readonly note?: string | undefined }
  | {
      /** One revision of the stairway went up, down and up again, and its `down` left no trace. */
      readonly type: 'revision';
      readonly index: number;
      readonly total: number;
      readonly revision: string;
      readonly path: string | undefined;
      readonly message: string | undefined;
      /** Whether the schema after its `down` was compared with the one before its `up`. */
      readonly schemaCompared: boolean;
    };

/** How a check of {@link verify} ended. */
export type VerifyCheckStatus = 'passed' | 'failed' | 'skipped';

/** What {@link verify} found. Plain data: `verify --json` prints it as it is. */
export interface VerifyResult {
  /** True when every check that ran passed. */
  readonly ok: boolean;
  /** Every problem: all those of the graph, or the first failure of a run. */
  readonly findings: readonly VerifyFinding[];
  /** Each check, in order, with how it ended; a check after a failure is `skipped`. */
  readonly checks: readonly { readonly check: VerifyCheck; readonly status: VerifyCheckStatus; readonly note?: string | undefined }[];
  /** The database the migrations ran on; `undefined` when the graph check failed and nothing ran. */
  readonly database: { readonly kind: VerifyDatabase['kind']; readonly description: string } | undefined;
  /** The revision `from` resolved to; `undefined` from base. */
  readonly from: string | undefined;
  /** The revisions the stairway went through, in order (up to the one that failed). */
  readonly stairway: readonly string[];
}

const CHECKS: readonly VerifyCheck[] = ['graph', 'upgrade', 'stairway', 'entities', 'downgrade'];

/**
 * Verifies the migrations on a throwaway database, never the configured one: the checks
 * a team wants in CI before a branch merges, over the whole revision graph, branches and
 * merges included.
 *
 * 1. `graph`: the revision graph builds (no duplicate, missing parent or dependency,
 *    cycle, or branch label used twice), has one head (or exactly `expectedHeads`), and
 *    no two migrations on concurrent branches change the same object unless the pair was
 *    reviewed ({@link findBranchConflicts}; with `from`, only pairs it adds). Every fault
 *    is reported.
 * 2. `upgrade`: one run from base to the heads (or to `from`) succeeds.
 * 3. `stairway`: for each revision in the order `upgrade heads` runs them (after `from`'s
 *    when given), its `up`, its `down`, and its `up` again each succeed, and the schema
 *    after the `down` is the schema before the `up` (when the adapter can compare
 *    schemas: {@link SchemaDiffer.snapshot}; when two snapshots differ and the adapter can
 *    introspect, its introspection decides, the schema before the `up` built again in a
 *    second database: see `findTrace`). Each step goes through the runner, in its own
 *    transaction, with its version and audit rows, under the migration lock.
 * 4. `entities`: with `config.entities`, the schema at the heads is what they describe.
 * 5. `downgrade`: `downgrade base` succeeds and leaves nothing but the version and audit tables.
 *
 * The run stops at the first failure of checks 2 to 5. The throwaway database comes from
 * the adapter ({@link DialectAdapter.createScratchDatabase}) and is dropped at the end,
 * whatever happened; with `shadowUrl` (option or config) that empty database is used
 * instead, and left at base.
 *
 * ### Examples
 * ```ts
 * const result = await verify(env, { from: '4b1d0c9e2a7f' }); // the revision the main branch is at
 * for (const finding of result.findings) console.error(`${finding.code}: ${finding.message}`);
 * process.exitCode = result.ok ? 0 : 1;
 * ```
 * @throws {ShadowDatabaseUnusableError} when the shadow database is the configured one, or not empty.
 * @throws {ConfigInvalidError} (key `shadowUrl`) when the adapter cannot create a database and no shadow is given.
 * @throws {MalformedMigrationError} when a migration file cannot be read.
 * @throws {InterruptedError} when `signal` stops the run.
 * @throws {DatabaseError} {@link LockTimeoutError} when the throwaway database fails outside a migration.
 */
export async function verify(env: MigrationEnvironment, options: VerifyOptions = {}): Promise<VerifyResult> {
  const run = new VerifyRun(options.onProgress);
  const files = new ScriptFileCache();
  const read = await ScriptDirectory.readRevisions(env.config.scriptLocation, files.io);
  for (const skipped of read.skippedFiles) {
    env.onEvent?.({ type: 'warning', code: 'MIGRATION_FILE_SKIPPED', message: describeSkippedFile(skipped) });
  }

  // 1. graph: every fault, then nothing runs if there is one.
  const graph = checkRevisionGraph(read.revisions);
  if (graph.map === undefined) {
    run.failedCheck('graph', graph.findings);
    return run.result(undefined);
  }
  const scripts = ScriptDirectory.fromRevisions(env.config.scriptLocation, read, files.io, scriptDirectoryOptions(env));
  const map = scripts.map;
  const from = options.from === undefined ? undefined : resolveFrom(map, options.from);
  const conflicts = await findBranchConflicts(env, { scripts, scope: from === undefined ? 'all' : { from } });
  for (const unreadable of conflicts.unreadable) {
    env.onEvent?.({ type: 'warning', code: 'BRANCH_CONFLICT_UNREADABLE', revision: unreadable.revision, message: unreadable.message });
  }
  const graphFindings = [
    ...graph.findings,
    ...checkGraphHeads(map, env.config.expectedHeads),
    ...branchConflictFindings(conflicts),
    ...(await lintFindings(env, scripts, from)),
  ];
  if (graphFindings.length > 0) {
    run.failedCheck('graph', graphFindings);
    return run.result(undefined);
  }
  run.passed('graph');

  const adapter = await resolveAdapter(env);
  const shadowUrl = options.shadowUrl ?? env.config.shadowUrl;
  const include = schemaFilter([env.config.versionTable, env.config.auditTable]);
  let database = await openVerifyDatabase(env, adapter, shadowUrl);
  try {
    run.database = { kind: database.kind, description: database.description };
    options.onProgress?.({ type: 'database', kind: database.kind, description: database.description });
    const context = (on: VerifyDatabase): Omit<RunContext, 'connection'> => ({
      env: { ...env, config: { ...env.config, url: on.url }, onEvent: warningsOnly(env.onEvent) },
      adapter,
      scripts,
      map,
      files,
      include,
      from,
      database: on,
      signal: options.signal,
    });
    const on = <T>(ctx: Omit<RunContext, 'connection'>, work: (ctx: RunContext) => Promise<T>): Promise<T> =>
      withConnection(ctx.env, adapter, 'migrate', (connection) => work({ ...ctx, connection }));

    if (!(await on(context(database), (ctx) => checkUpgrade(run, ctx)))) return run.result(from);
    if (from === undefined && database.kind === 'scratch') {
      // The stairway starts from an empty database: a fresh one, rather than `downgrade base`, whose
      // first failing down would hide the revision whose down did the harm (the stairway names it).
      await database.drop();
      database = await openVerifyDatabase(env, adapter, undefined);
      run.database = { kind: database.kind, description: database.description };
    }
    const ctx = context(database);
    if (!(await on(ctx, (c) => checkStairway(run, c)))) return run.result(from);
    if (!(await checkEntities(run, ctx.env, map))) return run.result(from);
    await on(ctx, (c) => checkDowngradeToBase(run, c));
    return run.result(from);
  } finally {
    files.saveCompiledScripts('upgrade', run.stairway.map((id) => map.get(id).path));
    await database.drop();
  }
}

/**
 * Check 2: one run from base to the heads (or to `from`), as `upgrade` does it; on a
 * shadow database, then back to base for the stairway. False when it failed.
 */
async function checkUpgrade(run: VerifyRun, ctx: RunContext): Promise<boolean> {
  if (ctx.database.kind === 'shadow') await assertEmptyShadow(ctx.database, ctx.connection, ctx.include);
  return underLock(ctx, async (runner) => {
    const upgraded = await runner.run(planUpgrade(ctx.map, runner.heads, ctx.from ?? 'heads'), 'upgrade', 'up');
    if (upgraded !== undefined) return run.failedCheck('upgrade', [upgraded]);
    if (ctx.from === undefined && ctx.database.kind === 'shadow') {
      const reset = await runner.run(planDowngrade(ctx.map, runner.heads, 'base'), 'upgrade', 'down');
      if (reset !== undefined) return run.failedCheck('upgrade', [reset]);
    }
    run.passed('upgrade');
    return true;
  });
}

/** Check 3: each revision not yet applied, in the order `upgrade heads` runs them, up, down and up again. */
async function checkStairway(run: VerifyRun, ctx: RunContext): Promise<boolean> {
  return underLock(ctx, async (runner) => {
    const differ = traceDiffer(ctx.connection.schemaDiffer);
    const order = planUpgrade(ctx.map, runner.heads, 'heads').map((step) => step.revision);
    for (const [index, revision] of order.entries()) {
      const finding = await stepRevision(ctx, runner, differ, revision);
      run.stairway.push(revision.id);
      if (finding !== undefined) return run.failedCheck('stairway', [finding]);
      run.progress({
        type: 'revision',
        index: index + 1,
        total: order.length,
        revision: revision.id,
        path: revision.path,
        message: revision.message,
        schemaCompared: differ !== undefined,
      });
    }
    run.passed('stairway', differ === undefined ? `the ${ctx.adapter.name} adapter cannot compare schemas; verify skips the down-leaves-no-trace check` : undefined);
    return true;
  });
}

/** One revision's up, down and second up; the first problem, or `undefined`. */
async function stepRevision(ctx: RunContext, runner: StepRunner, differ: TraceDiffer | undefined, revision: Revision): Promise<VerifyFinding | undefined> {
  const before = await differ?.snapshot(ctx.include);
  const up = runner.upStep(revision.id);
  const first = await runner.run(up, 'stairway', 'up');
  if (first !== undefined) return first;
  const down = await runner.run(runner.downStep(revision), 'stairway', 'down');
  if (down !== undefined) return down;
  if (differ !== undefined && before !== undefined) {
    // After the down, the version rows are those the up started from.
    const trace = await findTrace(ctx, differ, before, runner.heads);
    if (trace.changes.length > 0) return leftTrace(revision, trace);
  }
  return runner.run(runner.upStep(revision.id), 'stairway', 'second-up');
}

/** Check 4: the schema at the heads against `config.entities`; true when it passed or was skipped. */
async function checkEntities(run: VerifyRun, env: MigrationEnvironment, map: RevisionMap): Promise<boolean> {
  if (env.config.entities.length === 0) {
    run.skipped('entities', 'no `entities` in the config');
    return true;
  }
  const comparison = await compareWithDatabase(env, map);
  if (comparison.changes.length === 0) {
    run.passed('entities');
    return true;
  }
  run.failedCheck('entities', [
    {
      code: 'VERIFY_ENTITIES_DIFFER',
      check: 'entities',
      message:
        `After upgrading to the heads, the schema differs from the entities in the config: ` +
        comparison.changes.map(describeChange).join('; '),
      changes: comparison.changes,
    },
  ]);
  return false;
}

/** Check 5: `downgrade base`, then nothing but the version and audit tables. */
async function checkDowngradeToBase(run: VerifyRun, ctx: RunContext): Promise<void> {
  const failed = await underLock(ctx, (runner) => runner.run(planDowngrade(ctx.map, runner.heads, 'base'), 'downgrade', 'down'));
  if (failed !== undefined) {
    run.failedCheck('downgrade', [failed]);
    return;
  }
  const snapshot = await ctx.connection.schemaDiffer?.snapshot?.(ctx.include);
  if (snapshot === undefined) return run.passed('downgrade', `the ${ctx.adapter.name} adapter cannot list what remains; verify skips the empty-at-base check`);
  if (snapshot.objects.length === 0) return run.passed('downgrade');
  run.failedCheck('downgrade', [
    {
      code: 'VERIFY_BASE_NOT_EMPTY',
      check: 'downgrade',
      message: `After downgrade base, the database still holds ${snapshot.objects.join(', ')}: a down() forgot to drop it`,
      remaining: snapshot.objects,
    },
  ]);
}

/**
 * The revision `from` names; a target that names several (`heads`) is refused.
 *
 * @throws {RevisionNotFoundError} {@link AmbiguousRevisionError} {@link MultipleHeadsError}
 */
function resolveFrom(map: RevisionMap, from: string): string | undefined {
  const revision = map.resolveOne(from);
  return revision?.id;
}

/** The runner's step events would print a line per step: verify reports per revision instead, and passes warnings on. */
function warningsOnly(listener: MigrationEventListener | undefined): MigrationEventListener | undefined {
  if (listener === undefined) return undefined;
  return (event) => {
    if (event.type === 'warning' || event.type === 'lock-wait' || event.type === 'lock-acquired') listener(event);
  };
}

/** The findings and checks of one run. */
class VerifyRun {
  readonly stairway: string[] = [];
  database: VerifyResult['database'];
  readonly #findings: VerifyFinding[] = [];
  readonly #checks: { check: VerifyCheck; status: VerifyCheckStatus; note?: string | undefined }[] = [];
  readonly #onProgress: VerifyOptions['onProgress'];

  constructor(onProgress: VerifyOptions['onProgress']) {
    this.#onProgress = onProgress;
  }

  progress(progress: VerifyProgress): void {
    this.#onProgress?.(progress);
  }

  passed(check: VerifyCheck, note?: string): void {
    this.#end(check, 'passed', note);
  }

  skipped(check: VerifyCheck, note: string): void {
    this.#end(check, 'skipped', note);
  }

  /** Records a failed check with its findings; `false`, for `return run.failedCheck(…)` in a check that says whether it passed. */
  failedCheck(check: VerifyCheck, findings: readonly VerifyFinding[]): false {
    this.#findings.push(...findings);
    this.#end(check, 'failed');
    return false;
  }

  result(from: string | undefined): VerifyResult {
    const ran = new Set(this.#checks.map((entry) => entry.check));
    const checks = [...this.#checks, ...CHECKS.filter((check) => !ran.has(check)).map((check) => ({ check, status: 'skipped' as const }))];
    return { ok: this.#findings.length === 0, findings: [...this.#findings], checks, database: this.database, from, stairway: [...this.stairway] };
  }

  #end(check: VerifyCheck, status: VerifyCheckStatus, note?: string): void {
    this.#checks.push(note === undefined ? { check, status } : { check, status, note });
    this.progress({ type: 'check', check, status, ...(note === undefined ? {} : { note }) });
  }
}

/**
 * The safety lint's errors as findings (its warnings are warning events), judged as the
 * deploy verify itself runs: with `from`, the revisions after it onto a database at
 * `from`; without, every revision from base, where no table is in use yet (so only what
 * holds whatever the table is found: a `CONCURRENTLY` in a transaction, a `COMMIT`…).
 */
async function lintFindings(env: MigrationEnvironment, scripts: ScriptDirectory, from: string | undefined): Promise<VerifyFinding[]> {
  const applied = from === undefined ? new Set<string>() : scripts.map.ancestors([from]);
  const revisions = [...scripts.map].map((revision) => revision.id).filter((id) => !applied.has(id));
  const options: LintOptions = { scripts, revisions, currentHeads: from === undefined ? [] : [from] };
  const result = await lint(env, options);
  const findings: VerifyFinding[] = [];
  for (const finding of result.findings) {
    const message = `${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}`;
    if (finding.severity !== 'error') {
      env.onEvent?.({ type: 'warning', code: 'LINT', revision: finding.revision, message });
      continue;
    }
    const path = scripts.map.get(finding.revision).path;
    findings.push({ code: 'VERIFY_LINT', check: 'graph', message, revision: finding.revision, path, ruleId: finding.ruleId, line: finding.line, statement: finding.statement });
  }
  return findings;
}

/**
 * Whether a revision's `down` left a trace: the schema after it compared with the one
 * before its `up`, by the adapter's cheap snapshots first, and, when those differ and the
 * adapter's snapshots are a first look only ({@link SchemaDiffer.introspect}), by its
 * full introspection of the schema before the `up` built again in a second database.
 *
 * @packageDocumentation
 */

import type { ScratchDatabase } from '../adapter/dialect-adapter.js';
import type { SchemaChange, SchemaDiffer, SchemaObjectFilter, SchemaSnapshot } from '../adapter/schema-change.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { Revision } from '../revision/revision.js';
import { withConnection } from './environment.js';
import type { VerifyDatabase } from './verify-database.js';
import type { VerifyFinding } from './verify-findings.js';
import { described, underLock, type RunContext, type StepRunner } from './verify-steps.js';

/** What the stairway needs of an adapter's differ to compare schemas: both snapshot members, and whether it can introspect. */
export interface TraceDiffer {
  snapshot(include: SchemaObjectFilter): Promise<SchemaSnapshot>;
  compareSnapshots(before: SchemaSnapshot, after: SchemaSnapshot): Promise<SchemaChange[]>;
  /** The differ's {@link SchemaDiffer.introspect}, when it has one: its snapshots are then a first look only. */
  readonly introspect: ((include: SchemaObjectFilter) => Promise<SchemaSnapshot>) | undefined;
}

/** The snapshot members of a connection's differ, when it has both `snapshot` and `compareSnapshots`. */
export function traceDiffer(differ: SchemaDiffer | undefined): TraceDiffer | undefined {
  if (differ?.snapshot === undefined || differ.compareSnapshots === undefined) return undefined;
  return {
    snapshot: (include) => differ.snapshot!(include),
    compareSnapshots: (before, after) => differ.compareSnapshots!(before, after),
    introspect: differ.introspect === undefined ? undefined : (include) => differ.introspect!(include),
  };
}

/** What a `down` left, and how the schemas were compared when that is worth saying. */
export interface Trace {
  /** In the direction from the schema before the `up` to the one after the `down`; empty when it left none. */
  readonly changes: readonly SchemaChange[];
  /** Set when the adapter's introspection should have decided but could not: why the catalogs decided instead. */
  readonly note?: string | undefined;
}

/**
 * Compares the schema after a `down` (on `ctx`'s database, at `heads`, the version rows
 * the `up` started from) with `before`, the snapshot taken before the `up`.
 *
 * Equal snapshots: no trace, at the price of one catalog read. Different snapshots of an
 * adapter with {@link SchemaDiffer.introspect}: the schema before the `up` is gone, so a
 * second database is made (the adapter's `createScratchDatabase`, on the server of
 * the database verify runs on), brought to `heads` by the same migrations through core's
 * runner, and both schemas are introspected and compared: what the introspection does
 * not tell apart is no trace. The second database is dropped, whatever happens. When it
 * cannot be made or filled (say, a shadow database's user may not create databases), the
 * snapshots' difference stands, with a note saying so.
 *
 * @throws {InterruptedError} when the run's signal stops the rebuild.
 * @throws {DatabaseError} when a schema cannot be read, or the second database not dropped.
 */
export async function findTrace(ctx: RunContext, differ: TraceDiffer, before: SchemaSnapshot, heads: readonly string[]): Promise<Trace> {
  const after = await differ.snapshot(ctx.include);
  const changes = await differ.compareSnapshots(before, after);
  if (changes.length === 0 || differ.introspect === undefined) return { changes };
  const decided = await compareRebuilt(ctx, differ, differ.introspect, heads);
  if ('unavailable' in decided) {
    return { changes, note: `compared by catalog snapshots only, not by the ${ctx.adapter.name} adapter's introspection: ${decided.unavailable}` };
  }
  return { changes: decided.changes };
}

/**
 * The introspected difference from the schema at `heads`, built again in a second
 * database, to the one on `ctx`'s (read by `introspect`); or why it could not be had.
 */
async function compareRebuilt(
  ctx: RunContext,
  differ: TraceDiffer,
  introspect: (include: SchemaObjectFilter) => Promise<SchemaSnapshot>,
  heads: readonly string[],
): Promise<{ readonly changes: SchemaChange[] } | { readonly unavailable: string }> {
  const { adapter } = ctx;
  if (adapter.createScratchDatabase === undefined) {
    return { unavailable: `the ${adapter.name} adapter cannot create a second database to build the schema before the up again` };
  }
  let second: ScratchDatabase;
  try {
    // On the server verify runs on: with a shadow database, the one the user gave verify, not the configured one's.
    second = await adapter.createScratchDatabase({ url: ctx.database.url, cwd: ctx.env.config.cwd });
  } catch (error) {
    return { unavailable: `creating a second database to build the schema before the up again failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const rebuilt = await rebuildAndIntrospect(ctx, second, heads);
    if ('unavailable' in rebuilt) return rebuilt;
    return { changes: await differ.compareSnapshots(rebuilt.snapshot, await introspect(ctx.include)) };
  } finally {
    await second.drop();
  }
}

/** Brings the empty database `second` to `heads` with the migrations of `ctx`, and introspects it; or says why it could not. */
async function rebuildAndIntrospect(
  ctx: RunContext,
  second: ScratchDatabase,
  heads: readonly string[],
): Promise<{ readonly snapshot: SchemaSnapshot } | { readonly unavailable: string }> {
  const env = { ...ctx.env, config: { ...ctx.env.config, url: second.url } };
  return withConnection(env, ctx.adapter, 'migrate', async (connection) => {
    const database: VerifyDatabase = { kind: 'scratch', url: second.url, description: second.description, drop: () => second.drop() };
    const on: RunContext = { ...ctx, env, connection, database };
    const failed = await underLock(on, (runner) => upgradeTo(runner, on, heads));
    if (failed !== undefined) return { unavailable: `building the schema before the up again in a second database failed: ${failed.message}` };
    const differ = connection.schemaDiffer;
    if (differ?.introspect === undefined) return { unavailable: `the ${ctx.adapter.name} adapter's second connection cannot introspect` };
    return { snapshot: await differ.introspect(ctx.include) };
  });
}

/** Upgrades from where `runner` is to each of `heads`; the first failure as a finding. */
async function upgradeTo(runner: StepRunner, ctx: RunContext, heads: readonly string[]): Promise<VerifyFinding | undefined> {
  for (const head of heads) {
    const failed = await runner.run(planUpgrade(ctx.map, runner.heads, head), 'stairway', 'up');
    if (failed !== undefined) return failed;
  }
  return undefined;
}

/** The finding of a `down` that left a trace. */
export function leftTrace(revision: Revision, trace: Trace): VerifyFinding {
  return {
    code: 'VERIFY_DOWN_LEFT_TRACE',
    check: 'stairway',
    direction: 'down',
    revision: revision.id,
    path: revision.path,
    changes: trace.changes,
    ...(trace.note === undefined ? {} : { note: trace.note }),
    message:
      `The down of ${described(revision.id, revision.path)} left ${trace.changes.map(describeTrace).join('; ')}` +
      (trace.note === undefined ? '' : ` (${trace.note})`),
  };
}

/** A difference between before `up` and after `down`, as what the down left: `column users.email`, `no table users`. */
export function describeTrace(change: SchemaChange): string {
  const object = change.object.replace('_', ' ');
  const name = change.object === 'column' && change.table !== undefined ? `${change.table}.${change.name}` : change.name;
  const on = change.table !== undefined && change.object !== 'column' ? ` on ${change.table}` : '';
  if (change.action === 'add') return `${object} ${name}${on}`;
  if (change.action === 'remove') return `no ${object} ${name}${on} (dropped, or not recreated)`;
  if (change.action === 'rename') return `${object} ${change.from ?? '?'}${on} renamed to ${name}`;
  const details = change.details.map((d) => `${d.property} ${d.from ?? '(none)'} -> ${d.to ?? '(none)'}`).join(', ');
  return `${object} ${name}${on} changed${details ? `: ${details}` : ''}`;
}

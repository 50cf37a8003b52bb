import type { AdapterConnection, Session, VersionStore } from '../adapter/dialect-adapter.js';
import { IrreversibleMigrationError, MigrationFailedError, isMigrateError } from '../errors.js';
import type { Migration, MigrationOperations } from '../migration.js';
import type { MigrationStep, VersionChange } from '../plan/migration-step.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import type { MigrationEventListener, StepInfo, StepResult } from './events.js';

/** What {@link runSteps} needs. */
export interface RunStepsOptions {
  readonly connection: AdapterConnection;
  /** The dialect name given to migrations as `op.dialect`. */
  readonly dialect: string;
  readonly scripts: ScriptDirectory;
  /** Commit after each step instead of once for the whole run. */
  readonly transactionPerMigration: boolean;
  readonly onEvent?: MigrationEventListener | undefined;
}

interface PreparedStep {
  readonly step: MigrationStep;
  readonly migration: Migration | undefined;
  readonly info: StepInfo;
}

/**
 * Runs a plan. Every migration is imported and checked before the database is
 * touched, so a malformed file or a missing `down()` changes nothing. Each step's
 * migration and version change share one transaction (per step, or one for the whole
 * run); a `transactional: false` migration runs on its own with its version change
 * committed right after it.
 *
 * @throws {IrreversibleMigrationError} before any change, when a downgrade needs a missing `down()`.
 * @throws {MigrationFailedError} when a step fails; its transaction is rolled back.
 */
export async function runSteps(steps: readonly MigrationStep[], options: RunStepsOptions): Promise<StepResult[]> {
  const prepared = await prepareSteps(steps, options.scripts);
  const { connection, onEvent } = options;
  const store = connection.versionStore;
  const committed: StepResult[] = [];
  let current: PreparedStep | undefined;

  const runOne = async (session: Session, item: PreparedStep): Promise<StepResult> => {
    current = item;
    onEvent?.({ type: 'step-start', step: item.info });
    const started = performance.now();
    await invokeMigration(session, item, options.dialect);
    if (item.info.transactional) await applyVersionChanges(store, session, item.step.versionChanges);
    const durationMs = performance.now() - started;
    onEvent?.({ type: 'step-end', step: item.info, durationMs });
    return { ...item.info, durationMs };
  };

  try {
    await connection.transaction((session) => store.ensure(session));
    for (const group of groupSteps(prepared, options.transactionPerMigration)) {
      if (group.transactional) {
        const done = await connection.transaction(async (session) => {
          const results: StepResult[] = [];
          for (const item of group.items) results.push(await runOne(session, item));
          return results;
        });
        committed.push(...done);
      } else {
        const item = group.items[0]!;
        const result = await connection.autocommit((session) => runOne(session, item));
        current = item;
        await connection.transaction((session) => applyVersionChanges(store, session, item.step.versionChanges));
        committed.push(result);
      }
    }
  } catch (error) {
    if (current === undefined || isMigrateError(error)) throw error;
    throw new MigrationFailedError(
      current.info.revision,
      current.step.direction === 'downgrade' ? 'downgrade' : 'upgrade',
      current.info.path,
      failedStatement(error),
      committed.map((result) => result.revision),
      { cause: error },
    );
  }
  return committed;
}

async function prepareSteps(steps: readonly MigrationStep[], scripts: ScriptDirectory): Promise<PreparedStep[]> {
  const prepared: PreparedStep[] = [];
  for (const step of steps) {
    const migration = step.direction === 'stamp' ? undefined : await scripts.importMigration(step.revision);
    if (step.direction === 'downgrade' && typeof migration?.down !== 'function') {
      throw new IrreversibleMigrationError(step.revision.id, step.revision.path);
    }
    prepared.push({
      step,
      migration,
      info: {
        direction: step.direction,
        revision: step.revision.id,
        from: step.from,
        to: step.to,
        message: step.revision.message,
        transactional: migration?.transactional !== false,
        path: step.revision.path,
      },
    });
  }
  return prepared;
}

interface StepGroup {
  readonly transactional: boolean;
  readonly items: readonly PreparedStep[];
}

/** Consecutive transactional steps share a transaction unless each gets its own. */
function groupSteps(prepared: readonly PreparedStep[], perMigration: boolean): StepGroup[] {
  const groups: StepGroup[] = [];
  let open: PreparedStep[] | undefined;
  for (const item of prepared) {
    if (!item.info.transactional || perMigration) {
      open = undefined;
      groups.push({ transactional: item.info.transactional, items: [item] });
    } else if (open) {
      open.push(item);
    } else {
      open = [item];
      groups.push({ transactional: true, items: open });
    }
  }
  return groups;
}

async function invokeMigration(session: Session, item: PreparedStep, dialect: string): Promise<void> {
  const migration = item.migration;
  if (!migration) return;
  const op = operationsFor(session, dialect);
  if (item.step.direction === 'upgrade') await migration.up(op);
  else await migration.down!(op);
}

/** Wraps a session as the `op` a migration receives. */
export function operationsFor(session: Session, dialect: string): MigrationOperations {
  return {
    dialect,
    offline: false,
    execute: (sql, params) => session.execute(sql, params),
    query: (sql, params) => session.query(sql, params),
    bulkInsert: (table, rows) => session.bulkInsert(table, rows),
    db: session.db,
    connection: session.connection,
  };
}

async function applyVersionChanges(store: VersionStore, session: Session, changes: readonly VersionChange[]): Promise<void> {
  for (const change of changes) {
    if (change.kind === 'insert') await store.insert(session, change.to);
    else if (change.kind === 'delete') await store.delete(session, change.from);
    else await store.update(session, change.from, change.to);
  }
}

const MAX_STATEMENT_LENGTH = 200;

/** The failing SQL an adapter attached to a driver error (`error.sql`), trimmed for a message. */
function failedStatement(error: unknown): string | undefined {
  const sql = (error as { sql?: unknown } | null)?.sql;
  if (typeof sql !== 'string') return undefined;
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_STATEMENT_LENGTH ? `${flat.slice(0, MAX_STATEMENT_LENGTH - 1)}…` : flat;
}

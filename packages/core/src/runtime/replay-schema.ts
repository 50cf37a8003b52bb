/**
 * Builds the schema model at a point of the history without a database: the `up()` of
 * every revision up to that point runs against an `op` that only records. Offline
 * rendering starts from it, so that `upgrade <from>:<to> --sql` can compile a SQLite
 * rebuild of a table a revision before `<from>` made.
 *
 * @packageDocumentation
 */

import type { MigrationOperations } from '../migration.js';
import { refusingProxy } from '../offline/refusing-proxy.js';
import { changesSchema, schemaChangeReason } from '../offline/statement-effect.js';
import { SchemaModel } from '../operations/schema-model.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { Revision } from '../revision/revision.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { statementForDialect } from './run-schema-operation.js';
import { schemaMethods } from './schema-methods.js';

/** Raised inside a replayed `up()` that reads the database: the replay of that revision stops there. */
class ReplayReadError extends Error {}

/**
 * The schema model after upgrading from base to `heads`, for `dialect` (what
 * `op.dialect` reports to the replayed migrations). A revision that reads the database
 * (`op.query`, `op.db` reads, `op.connection`), fails, or runs raw SQL that changes the
 * schema makes the model forget what it knew at that point (see
 * {@link SchemaModel.forget}): an operation that needs a table's definition then says
 * why it is not known, instead of compiling from a stale one.
 */
export async function replaySchema(scripts: ScriptDirectory, heads: readonly string[], dialect: string): Promise<SchemaModel> {
  const model = new SchemaModel();
  const replayed = new Set<string>();
  for (const head of heads) {
    for (const step of planUpgrade(scripts.map, [], head)) {
      if (replayed.has(step.revision.id)) continue;
      replayed.add(step.revision.id);
      await replayRevision(scripts, step.revision, dialect, model);
    }
  }
  return model;
}

async function replayRevision(scripts: ScriptDirectory, revision: Revision, dialect: string, model: SchemaModel): Promise<void> {
  const migration = await scripts.importMigration(revision);
  const name = `revision ${revision.id}`;
  const refuse = (what: string): never => {
    throw new ReplayReadError(`${name} reads the database (${what}), so what it does cannot be known offline`);
  };
  const rawStatement = (sql: string): void => {
    if (changesSchema(sql)) model.forget(schemaChangeReason(name, sql));
  };
  const op: MigrationOperations = {
    dialect,
    offline: true,
    execute: async (sql) => rawStatement(typeof sql === 'string' ? sql : statementForDialect(sql, { dialect, revision: revision.id, path: revision.path })),
    query: async () => refuse('op.query'),
    bulkInsert: async () => {},
    db: refusingProxy('op.db', refuse),
    connection: refusingProxy('op.connection', refuse),
    ...schemaMethods(async (_call, build) => model.apply(build())),
  };
  try {
    await migration.up(op);
  } catch (error) {
    model.forget(error instanceof ReplayReadError ? error.message : `${name} failed when replayed offline`);
  }
}

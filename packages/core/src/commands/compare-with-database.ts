import { ConfigInvalidError, DatabaseError, DatabaseNotUpToDateError, isMigrateError } from '../errors.js';
import { planUpgrade } from '../plan/plan-upgrade.js';
import type { RevisionMap } from '../revision/revision-map.js';
import { resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import { reviewNotes } from '../autogenerate/render-changes.js';
import type { SchemaComparison } from '../adapter/schema-change.js';
import { schemaFilter, type SchemaFilterOptions } from '../autogenerate/schema-filter.js';
import { compilesSafeForms } from '../autogenerate/safe-forms.js';

/** A comparison of the configured entities with a database at its head revisions. */
export interface DatabaseComparison extends SchemaComparison {
  /** The revisions the database was at. */
  readonly current: readonly string[];
  /** Every note the author must review: the adapter's warnings, then core's (renames, drop-and-add pairs). */
  readonly notes: readonly string[];
  /**
   * Whether the connection's operation compiler writes the safe forms (see
   * `splitSafeForms`); asked only when {@link CompareOptions.askSafeForms} is set.
   */
  readonly compilesSafeForms?: boolean | undefined;
}

/** What {@link compareWithDatabase} asks besides the comparison. */
export interface CompareOptions {
  /** Ask the connection's compiler whether it writes the safe forms (`revision --autogenerate` with them on). */
  readonly askSafeForms?: boolean | undefined;
}

/**
 * Compares `config.entities` with the database, which must be at every head of
 * `map` (as Alembic's autogenerate demands: the diff is against the head's schema).
 * Opens a `migrate` connection (MikroORM needs one), reads the version table, then
 * asks the adapter's {@link SchemaDiffer}; never changes the database.
 *
 * @throws {ConfigInvalidError} when `entities` is empty, or the adapter cannot compare schemas.
 * @throws {DatabaseNotUpToDateError} when revisions are not applied yet.
 * @throws {RevisionNotFoundError} when the database is at a revision no script defines.
 * @throws {DatabaseError} when the database cannot be read.
 * @internal shared by `revision --autogenerate` and `check`.
 */
export async function compareWithDatabase(
  env: MigrationEnvironment,
  map: RevisionMap,
  filter: SchemaFilterOptions = env.config.schemaFilter,
  options: CompareOptions = {},
): Promise<DatabaseComparison> {
  const entities = env.config.entities;
  if (entities.length === 0) {
    throw new ConfigInvalidError(
      env.config.configPath,
      '`entities` is empty: comparing the schema needs the MikroORM entity definitions (defineEntity, EntitySchema or decorated classes)',
      { key: 'entities' },
    );
  }
  const adapter = await resolveAdapter(env);
  const versionTable = env.config.versionTable;
  const include = schemaFilter([versionTable, env.config.auditTable], filter);
  return withConnection(env, adapter, 'migrate', async (connection) => {
    const differ = connection.schemaDiffer;
    if (differ === undefined) {
      throw new ConfigInvalidError(
        env.config.configPath,
        `the ${adapter.name} adapter cannot compare entities with the database (it has no schema differ)`,
      );
    }
    const current = await connection.versionStore.read();
    if (planUpgrade(map, current, 'heads').length > 0) throw new DatabaseNotUpToDateError(current, map.heads);
    let comparison: SchemaComparison;
    try {
      comparison = await differ.compare({ entities, include });
    } catch (error) {
      if (isMigrateError(error)) throw error;
      throw new DatabaseError('Comparing the entities with the database schema', { cause: error });
    }
    const notes = [...comparison.warnings, ...reviewNotes(comparison.changes)];
    if (!options.askSafeForms) return { ...comparison, current, notes };
    return { ...comparison, current, notes, compilesSafeForms: await compilesSafeForms(connection.operationCompiler, adapter.name) };
  });
}

/**
 * The contract for running migration classes of the ORM an adapter is built on
 * (MikroORM's `Migration` for the built-in adapters) as cgmigrate revisions.
 *
 * Core reads such a file's identity from the class's static members
 * (`static revision = '…'`, `static downRevision = …`, optional `branchLabels`,
 * `dependsOn`, `message`) without importing it, and imports it only to run it. What it
 * cannot know without the ORM (whether the class extends the ORM's base class, how its
 * `up()`/`down()` turn into statements) it asks the adapter, through
 * {@link DialectAdapter.migrationClasses}.
 */

import type { Migration, RevisionList } from '../migration.js';

/** A migration class's identity, read by core from its static members. */
export interface MigrationClassIdentity {
  /** The file the class was exported from (absolute). */
  readonly path: string;
  /** The class's name: MikroORM's migration name (`Migration20241116000001`). */
  readonly name: string;
  readonly revision: string;
  readonly downRevision: RevisionList;
  readonly branchLabels?: RevisionList | undefined;
  readonly dependsOn?: RevisionList | undefined;
  /** `static message`, or the class's name when it has none. */
  readonly message: string;
}

/**
 * Turns migration classes of one framework into cgmigrate migrations. Returned by
 * {@link DialectAdapter.migrationClasses}, which core calls the first time a file's
 * export is a class (a status command that only reads headers never does).
 */
export interface MigrationClassSupport {
  /** The framework whose classes these are, for messages: `MikroORM`. */
  readonly framework: string;
  /**
   * The class as a migration that runs on this adapter's sessions (online and offline),
   * carrying `identity`'s fields, with `transactional` taken from the class, or a
   * problem naming what is wrong (`it does not extend MikroORM's Migration`, `it has
   * no up() method`), which core reports as `MALFORMED_MIGRATION` for the file.
   */
  toMigration(migrationClass: abstract new (...args: never[]) => unknown, identity: MigrationClassIdentity): Migration | string;
}

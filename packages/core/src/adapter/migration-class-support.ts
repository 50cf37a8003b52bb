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
  /**
   * Writes a new revision as a migration class of the framework, in the file layout the
   * framework's own generator gives it (MikroORM's `TSMigrationGenerator`), with the
   * revision's graph fields as the class's first, static members. Core asks for it when a
   * revision is written with `format: 'mikro-orm'` (`cgmigrate revision --format
   * mikro-orm`), and writes the result into `versions/` itself, where it refuses a name
   * that is not a migration file's.
   *
   * Optional (added in contract version 1 as an optional member): without it, writing a
   * revision in the framework's format is `MIGRATION_FORMAT_NOT_SUPPORTED`, naming the
   * adapter; reading and running such files does not need it.
   *
   * ### Examples
   * ```ts
   * const file = await support.renderMigrationFile?.({
   *   revision: '1f0c3a9b2d4e', downRevisions: ['9a8b7c6d5e4f'], branchLabels: [], dependsOn: [],
   *   createDate: new Date('2024-11-16T00:00:01Z'), up: ['create table …'], down: ['drop table …'], notes: [],
   * });
   * // file.fileName === 'Migration20241116000001.ts'
   * ```
   */
  renderMigrationFile?(request: MigrationClassFileRequest): Promise<MigrationClassFile>;
}

/** A new revision to be written as a migration class: what {@link MigrationClassSupport.renderMigrationFile} is given. */
export interface MigrationClassFileRequest {
  /** The new revision's id: `static revision`. */
  readonly revision: string;
  /** Its parents, `static downRevision`: none for a first revision (written `null`), one, or several for a merge. */
  readonly downRevisions: readonly string[];
  /** `static branchLabels`, written only when there are some. */
  readonly branchLabels: readonly string[];
  /** `static dependsOn`, written only when there are some. */
  readonly dependsOn: readonly string[];
  /** `static message`; without one, the class's name is the revision's message. */
  readonly message?: string | undefined;
  /**
   * The framework's own name for the migration (MikroORM's `migration:create --name`),
   * which its class and file names end with; core passes the slug of the message, when
   * there is one.
   */
  readonly name?: string | undefined;
  /** When the revision is created: MikroORM's class and file names carry it, to the second, in UTC. */
  readonly createDate: Date;
  /**
   * The statements of `up()`, in order, as the adapter's schema comparison wrote them.
   * When both `up` and `down` are empty, the framework's blank migration is written
   * (MikroORM's `migration:create --blank`).
   */
  readonly up: readonly string[];
  /** The statements of `down()`, in order; none leaves `down()` out, as the framework's generator does. */
  readonly down: readonly string[];
  /** What the author must review (autogenerate's notes), written as comments at the top of `up()`. */
  readonly notes: readonly string[];
}

/** A migration class file, rendered by {@link MigrationClassSupport.renderMigrationFile}. */
export interface MigrationClassFile {
  /** Its name in `versions/`, with its extension, and no folder: `Migration20241116000001.ts`. */
  readonly fileName: string;
  /** The class's name: the revision's message when the request has none. */
  readonly className: string;
  /** The file's text. */
  readonly source: string;
}

/**
 * What autogenerate and `check` learn from comparing entity definitions with a live
 * database, as plain data: the statements that turn one into the other, both ways,
 * and each change described for people. An adapter produces it (see
 * {@link SchemaDiffer}); core renders it into a migration file or into `check`
 * problems. Nothing here knows an ORM.
 *
 * @packageDocumentation
 */

import type { SchemaOperation } from '../operations/schema-operation.js';

/** What kind of schema object changed. */
export type SchemaObjectType =
  | 'schema'
  | 'enum'
  | 'table'
  | 'column'
  | 'primary_key'
  | 'index'
  | 'unique'
  | 'foreign_key'
  | 'check'
  | 'view'
  | 'trigger'
  | 'sequence'
  | 'function';

/** How it changed. A rename is only ever inferred, and is always worth a review. */
export type SchemaChangeAction = 'add' | 'remove' | 'modify' | 'rename';

/** One property of a changed object, before and after (as SQL or as the database reports it). */
export interface SchemaPropertyChange {
  /** `type`, `nullable`, `default`, `comment`, `length`, `precision`, `scale`, `enumItems`, `columns`, … */
  readonly property: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/**
 * One difference between the entities and the database, in the direction of the
 * upgrade (what `up` does to the database). Stable, JSON-friendly data: `check --json`
 * prints it as is.
 */
export interface SchemaChange {
  readonly action: SchemaChangeAction;
  readonly object: SchemaObjectType;
  /** Name of the object: the table for a table, the column for a column, the constraint or index name, … */
  readonly name: string;
  /** The table the object belongs to (schema-qualified when it has a schema); absent for tables, schemas and enums. */
  readonly table?: string | undefined;
  /** For a rename, the old name. */
  readonly from?: string | undefined;
  /** For `modify`, the properties that differ; for an added object, what it is made of (e.g. its columns). */
  readonly details: readonly SchemaPropertyChange[];
}

/**
 * The result of comparing entity definitions with a database: `up` makes the
 * database match the entities, `down` is its exact inverse (computed by the same
 * comparator in the other direction).
 */
export interface SchemaComparison {
  /** Statements of the upgrade, in order, each complete (no trailing `;` needed). */
  readonly up: readonly string[];
  /** Statements of the downgrade, in order. */
  readonly down: readonly string[];
  /** Every difference found, in the order the comparator reported them. */
  readonly changes: readonly SchemaChange[];
  /**
   * Things the author of the migration must review, found by the adapter (e.g. an
   * SQLite table rebuild). Core adds its own (inferred renames, drop-and-add pairs).
   */
  readonly warnings: readonly string[];
  /** Checks run after the `up` statements, in the same transaction (e.g. foreign keys after an SQLite table rebuild). */
  readonly upChecks?: readonly SchemaCheckQuery[] | undefined;
  /** Checks run after the `down` statements. */
  readonly downChecks?: readonly SchemaCheckQuery[] | undefined;
  /**
   * The same upgrade as portable schema operations, when the adapter can express every
   * change as one (autogenerate then writes these by default). Operations carry their
   * own checks (a SQLite rebuild's), so no `upChecks` go with them.
   */
  readonly upOperations?: readonly SchemaOperation[] | undefined;
  /** The downgrade as schema operations; present exactly when {@link upOperations} is. */
  readonly downOperations?: readonly SchemaOperation[] | undefined;
  /** Why the difference has no schema operations (e.g. `it changes a trigger of scans`), when an adapter that writes them could not. */
  readonly operationsUnavailable?: string | undefined;
}

/**
 * A query a generated migration runs after its statements, before its transaction
 * commits: any row it returns fails the migration (rolling it back) with `failure`,
 * followed by the rows. Written into the file as plain code, so a reviewer sees it.
 */
export interface SchemaCheckQuery {
  /** `before` the statements (a precondition) or `after` them (default). */
  readonly when?: 'before' | 'after' | undefined;
  /** Why it runs, written above it as a comment. */
  readonly comment: string;
  /** Returns the offending rows; none when all is well. */
  readonly query: string;
  /** The error's message, which the offending rows follow as JSON: what is wrong and how to fix it. */
  readonly failure: string;
}

/** A table or view that a comparison may take into account. */
export interface SchemaObjectRef {
  readonly type: 'table' | 'view';
  readonly name: string;
  /** Its schema (PostgreSQL); `undefined` in the connection's default schema or where schemas do not exist. */
  readonly schema: string | undefined;
}

/**
 * Decides whether an object takes part in a comparison, like Alembic's
 * `include_object`: `false` leaves it out on both sides, so it is neither created
 * nor dropped. `source` says where the object was found.
 */
export type SchemaObjectFilter = (object: SchemaObjectRef, source: 'database' | 'entities') => boolean;

/** What {@link SchemaDiffer.compare} compares. */
export interface SchemaCompareRequest {
  /**
   * The entity definitions from `cgmigrate.config.ts` (`entities`), passed through
   * untouched: for the built-in adapters, MikroORM 7 `defineEntity()` results,
   * `EntitySchema`s or decorated classes.
   */
  readonly entities: readonly unknown[];
  /**
   * Which tables and views to compare. Core always leaves out its own version and
   * audit tables, then applies the user's filters.
   */
  readonly include: SchemaObjectFilter;
}

/**
 * Compares entity definitions with a live database: the engine of
 * `revision --autogenerate` and of `check`'s drift detection. The built-in adapters
 * use MikroORM's own introspection (`DatabaseSchema`) and `SchemaComparator`.
 *
 * ### Examples
 * ```ts
 * const comparison = await connection.schemaDiffer.compare({ entities, include: () => true });
 * if (comparison.changes.length === 0) console.log('No changes in schema detected.');
 * ```
 */
export interface SchemaDiffer {
  /**
   * Compares; changes nothing.
   *
   * @throws {ConfigInvalidError} when the entity definitions are invalid.
   * @throws {DatabaseError} when the database schema cannot be read.
   */
  compare(request: SchemaCompareRequest): Promise<SchemaComparison>;
  /**
   * Records the schema as it is now (the objects `include` lets through), cheaply, so
   * that {@link compareSnapshots} can later tell whether it changed: what
   * `cgmigrate verify` takes before each revision's `up` and after its `down`.
   *
   * Optional, together with {@link compareSnapshots} (added in contract version 1 as
   * optional members): without them `verify` skips its "down leaves no trace" check
   * and says so. Take it fast (one catalog query, not a full introspection): `verify`
   * takes two per revision.
   *
   * @throws {DatabaseError} when the catalog cannot be read.
   */
  snapshot?(include: SchemaObjectFilter): Promise<SchemaSnapshot>;
  /**
   * What changed from `before` to `after` (two snapshots of this adapter), as the
   * changes an `up` from `before` to `after` would make; an empty list when the two
   * schemas are the same. Snapshots that differ only in how the same schema is spelled
   * (e.g. a table rebuilt with its columns in another order) are the same schema; an
   * adapter that cannot tell that from two {@link snapshot}s alone says so by having
   * {@link introspect}, and must tell it from two snapshots of `introspect`.
   *
   * @throws {DatabaseError} when a schema cannot be read for the comparison.
   */
  compareSnapshots?(before: SchemaSnapshot, after: SchemaSnapshot): Promise<SchemaChange[]>;
  /**
   * Records the schema as the adapter's full introspection reads it (for the built-in
   * adapters, MikroORM's `DatabaseSchema`), for {@link compareSnapshots} to compare two
   * such snapshots as that introspection sees them. Slow; taken only to decide.
   *
   * For an adapter whose {@link snapshot} is a first look only: its catalog rows tell
   * that two schemas differ, not whether the difference is one the ORM sees (a default
   * written `now()` once and `CURRENT_TIMESTAMP` the other time). When two snapshots
   * differ, `verify` then builds the schema before the `up` again in a second database
   * (running the same migrations there), takes this of both, and lets
   * `compareSnapshots` of the two decide. An adapter whose `compareSnapshots` decides
   * from catalog snapshots alone (SQLite builds both schemas again in memory from their
   * `CREATE` statements) leaves it out.
   *
   * Optional (added in contract version 1); it needs {@link snapshot} and {@link compareSnapshots}.
   *
   * @throws {DatabaseError} when the schema cannot be read.
   */
  introspect?(include: SchemaObjectFilter): Promise<SchemaSnapshot>;
}

/**
 * A schema at one moment, from {@link SchemaDiffer.snapshot}. Only its adapter reads
 * what else it holds; core reads {@link objects}, to say what a database holds.
 */
export interface SchemaSnapshot {
  /**
   * Every object that stands on its own (a table, view, type, schema, sequence,
   * function; not the columns and indexes of a table listed), one line each for
   * people (`table users`, `enum type mood`), in a stable order; empty when the schema
   * holds nothing `include` let through.
   */
  readonly objects: readonly string[];
}

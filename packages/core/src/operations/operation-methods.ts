/**
 * The portable schema methods of a migration's `op` (Alembic's `op.create_table`,
 * `op.add_column`, `op.alter_column`, … in camelCase). Each records a
 * {@link SchemaOperation} that the adapter compiles for its dialect, then runs it.
 *
 * @packageDocumentation
 */

import type {
  AlterColumnChanges,
  ColumnDefinition,
  ConstraintType,
  IndexKey,
  PrimaryKeyDefinition,
  ReferentialAction,
} from './schema-operation.js';

/** The schema option of every method: where the table lives, on a dialect with schemas. */
export interface SchemaOption {
  readonly schema?: string | undefined;
}

/** Options of {@link MigrationSchemaOperations.createTable}. */
export interface CreateTableOptions extends SchemaOption {
  /** A named or composite primary key; otherwise the columns marked `primaryKey` make it. */
  readonly primaryKey?: PrimaryKeyDefinition | undefined;
  readonly indexes?: readonly CreateTableIndex[] | undefined;
  readonly uniques?: readonly { readonly name: string; readonly columns: readonly string[] }[] | undefined;
  readonly foreignKeys?: readonly CreateTableForeignKey[] | undefined;
  readonly checks?: readonly { readonly name: string; readonly expression: string; readonly column?: string | undefined }[] | undefined;
  /** The table's comment, where the dialect keeps one. */
  readonly comment?: string | undefined;
}

/** An index created with its table. */
export interface CreateTableIndex extends IndexOptions {
  readonly name: string;
  readonly columns: readonly IndexKey[];
}

/** A foreign key created with its table. */
export interface CreateTableForeignKey extends ForeignKeyOptions {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
}

/** Options of an index. */
export interface IndexOptions {
  readonly unique?: boolean | undefined;
  /** A partial index's condition, in SQL (PostgreSQL and SQLite). */
  readonly where?: string | undefined;
}

/** Options of {@link MigrationSchemaOperations.createIndex}. */
export interface CreateIndexOptions extends IndexOptions, SchemaOption {
  /** PostgreSQL's `CREATE INDEX CONCURRENTLY`; the migration must be `transactional: false`. */
  readonly concurrently?: boolean | undefined;
  readonly ifNotExists?: boolean | undefined;
}

/** Options of {@link MigrationSchemaOperations.dropIndex}. */
export interface DropIndexOptions extends SchemaOption {
  /** PostgreSQL's `DROP INDEX CONCURRENTLY`; the migration must be `transactional: false`. */
  readonly concurrently?: boolean | undefined;
  readonly ifExists?: boolean | undefined;
}

/** Options of a foreign key. */
export interface ForeignKeyOptions {
  readonly onDelete?: ReferentialAction | undefined;
  readonly onUpdate?: ReferentialAction | undefined;
  /** The referenced table's schema. */
  readonly referencedSchema?: string | undefined;
}

/**
 * The `notValid` option of {@link MigrationSchemaOperations.createForeignKey} and
 * {@link MigrationSchemaOperations.createCheckConstraint}: PostgreSQL's `NOT VALID`.
 *
 * Adding a foreign key or a check to a table that has rows checks every row while it
 * holds a lock that blocks writes (both tables' for a foreign key). With `notValid` the
 * constraint is added at once and applies to rows written from then on; the existing rows
 * are checked later by {@link MigrationSchemaOperations.validateConstraint}, which lets
 * writes go on while it reads. Run that in a later migration: in the same transaction it
 * would hold the first lock throughout.
 *
 * Only PostgreSQL has it. Elsewhere `notValid: true` rejects with `OPERATION_NOT_SUPPORTED`,
 * as `concurrently` does: SQLite checks the rows when it rebuilds the table to add the
 * constraint, and there is no later step that could be put off.
 */
export interface ConstraintValidationOptions {
  /** Add the constraint without checking the rows already there. Default false. */
  readonly notValid?: boolean | undefined;
}

/**
 * The changes of one {@link MigrationSchemaOperations.batchAlterTable} block, on the
 * block's table. Calls only record; the block runs when it returns.
 */
export interface BatchTableOperations {
  addColumn(column: string, definition: ColumnDefinition): void;
  dropColumn(column: string): void;
  alterColumn(column: string, changes: AlterColumnChanges): void;
  createIndex(name: string, columns: readonly IndexKey[], options?: IndexOptions): void;
  dropIndex(name: string): void;
  createForeignKey(
    name: string,
    columns: readonly string[],
    referencedTable: string,
    referencedColumns: readonly string[],
    options?: ForeignKeyOptions & ConstraintValidationOptions,
  ): void;
  createUniqueConstraint(name: string, columns: readonly string[]): void;
  createCheckConstraint(name: string, expression: string, options?: ConstraintValidationOptions): void;
  createPrimaryKey(name: string, columns: readonly string[]): void;
  dropConstraint(name: string, type: ConstraintType): void;
  validateConstraint(name: string): void;
}

/**
 * Statements per dialect for `op.execute`, keyed by the name `op.dialect` reports;
 * `default` is used by a dialect without its own entry.
 *
 * ### Examples
 * ```ts
 * await op.execute({
 *   postgresql: 'CREATE EXTENSION IF NOT EXISTS pg_trgm',
 *   default: 'SELECT 1',
 * });
 * ```
 */
export type StatementPerDialect = Readonly<Record<string, string>>;

/**
 * The portable schema methods of `op`. Each compiles for the dialect the migration
 * runs on, runs inside the migration's transaction, and must be awaited. An operation
 * or option the dialect cannot honour rejects with `OPERATION_NOT_SUPPORTED` before
 * any of its statements runs; bad arguments reject with `INVALID_OPERATION`.
 *
 * ### Examples
 * ```ts
 * async up(op) {
 *   await op.createTable('accounts', {
 *     id: { type: 'integer', primaryKey: true, autoincrement: true },
 *     email: { type: 'string', length: 320, nullable: false, unique: true },
 *     created_at: { type: 'datetime', timezone: true, nullable: false, default: { sql: 'CURRENT_TIMESTAMP' } },
 *   });
 *   await op.createIndex('ix_accounts_created_at', 'accounts', ['created_at']);
 * },
 * async down(op) {
 *   await op.dropTable('accounts');
 * },
 * ```
 */
export interface MigrationSchemaOperations {
  /**
   * Creates a table. Columns are created in the order of the object's keys (a column
   * name that is a whole number would be moved first by JavaScript, and is refused).
   */
  createTable(name: string, columns: Readonly<Record<string, ColumnDefinition>>, options?: CreateTableOptions): Promise<void>;
  /** Drops a table. */
  dropTable(name: string, options?: SchemaOption & { readonly ifExists?: boolean | undefined }): Promise<void>;
  /** Renames a table. */
  renameTable(name: string, newName: string, options?: SchemaOption): Promise<void>;
  /** Adds a column. A `NOT NULL` column needs a default when the table has rows. */
  addColumn(table: string, column: string, definition: ColumnDefinition, options?: SchemaOption): Promise<void>;
  /** Drops a column. On SQLite a column that is indexed or in a constraint is dropped by a rebuild. */
  dropColumn(table: string, column: string, options?: SchemaOption): Promise<void>;
  /**
   * Changes a column's type, nullability, default, name or comment. On SQLite every
   * change but a rename runs as a rebuild of the table.
   */
  alterColumn(table: string, column: string, changes: AlterColumnChanges, options?: SchemaOption): Promise<void>;
  /** Creates an index on columns or expressions. */
  createIndex(name: string, table: string, columns: readonly IndexKey[], options?: CreateIndexOptions): Promise<void>;
  /** Drops an index of a table. */
  dropIndex(name: string, table: string, options?: DropIndexOptions): Promise<void>;
  /**
   * Adds a foreign key. On SQLite it runs as a rebuild of the table. `notValid` (PostgreSQL)
   * leaves the existing rows to a later {@link validateConstraint}; see {@link ConstraintValidationOptions}.
   */
  createForeignKey(
    name: string,
    table: string,
    columns: readonly string[],
    referencedTable: string,
    referencedColumns: readonly string[],
    options?: ForeignKeyOptions & ConstraintValidationOptions & SchemaOption,
  ): Promise<void>;
  /** Adds a unique constraint. On SQLite it runs as a rebuild of the table. */
  createUniqueConstraint(name: string, table: string, columns: readonly string[], options?: SchemaOption): Promise<void>;
  /**
   * Adds a check constraint. On SQLite it runs as a rebuild of the table. `notValid`
   * (PostgreSQL) leaves the existing rows to a later {@link validateConstraint}; see
   * {@link ConstraintValidationOptions}.
   */
  createCheckConstraint(name: string, table: string, expression: string, options?: ConstraintValidationOptions & SchemaOption): Promise<void>;
  /** Adds a primary key. On SQLite it runs as a rebuild of the table. */
  createPrimaryKey(name: string, table: string, columns: readonly string[], options?: SchemaOption): Promise<void>;
  /** Drops a named constraint of the given type. On SQLite it runs as a rebuild of the table. */
  dropConstraint(name: string, table: string, type: ConstraintType, options?: SchemaOption): Promise<void>;
  /**
   * Checks the existing rows of a foreign key or check constraint added with `notValid`
   * (PostgreSQL's `VALIDATE CONSTRAINT`), under a lock that lets reads and writes go on;
   * fails, naming the constraint, when a row breaks it. Nothing to reverse in `down`:
   * dropping the constraint is the reverse of adding it. Other dialects reject it with
   * `OPERATION_NOT_SUPPORTED` (SQLite has no constraint left unchecked to validate).
   *
   * ### Examples
   * ```ts
   * // one migration:
   * await op.createForeignKey('fk_scans_account', 'scans', ['account_id'], 'accounts', ['id'], { notValid: true });
   * // the next one:
   * await op.validateConstraint('fk_scans_account', 'scans');
   * ```
   */
  validateConstraint(name: string, table: string, options?: SchemaOption): Promise<void>;
  /** Creates a view from a query. */
  createView(name: string, definition: string, options?: SchemaOption & { readonly orReplace?: boolean | undefined }): Promise<void>;
  /** Drops a view. */
  dropView(name: string, options?: SchemaOption & { readonly ifExists?: boolean | undefined }): Promise<void>;
  /**
   * Several changes to one table as one operation (Alembic's `batch_alter_table`): on
   * SQLite the changes `ALTER TABLE` cannot make rebuild the table once for the whole
   * block; elsewhere they run as the usual statements, in order.
   *
   * ### Examples
   * ```ts
   * await op.batchAlterTable('scans', (batch) => {
   *   batch.alterColumn('status', { nullable: false, default: 'queued' });
   *   batch.dropColumn('legacy_flag');
   *   batch.createForeignKey('fk_scans_account', ['account_id'], 'accounts', ['id']);
   * });
   * ```
   */
  batchAlterTable(table: string, changes: (batch: BatchTableOperations) => void, options?: SchemaOption): Promise<void>;
}

/**
 * Schema operations: what `op.createTable`, `op.addColumn`, `op.alterColumn` and the
 * other portable methods of a migration's `op` record, as plain data.
 *
 * A migration that uses them says what it changes instead of how one dialect spells it:
 * the adapter compiles each operation for the database it runs on (see
 * {@link SchemaOperationCompiler}), so one file upgrades SQLite in development and
 * PostgreSQL in production, and cgmigrate can read what a migration does (the schema
 * model, verify and lint build on that). The vocabulary follows Alembic's `op`, with
 * camelCase names and options objects instead of keyword arguments.
 *
 * Everything here is serialisable data: no functions, no classes, so a recorded
 * operation can be compared, replayed and printed.
 *
 * @packageDocumentation
 */

/**
 * The portable column types. Each compiles to the closest type of the dialect (see
 * `docs/operations.md` for the table):
 *
 * - `integer`, `bigint`, `smallint`; `decimal` (with `precision` and `scale`); `float`
 *   (single precision) and `double`;
 * - `boolean`;
 * - `string` (variable length, `length` default 255) and `text` (unbounded);
 * - `uuid`, `json`;
 * - `date`, `time`, `datetime` (a timestamp; `timezone: true` for one with a time zone);
 * - `blob` (bytes);
 * - `enum` (`values` required): a native enum where the dialect has one
 *   (PostgreSQL needs `enumName`), otherwise a text column with a check constraint.
 */
export type PortableColumnType =
  | 'integer'
  | 'bigint'
  | 'smallint'
  | 'decimal'
  | 'float'
  | 'double'
  | 'boolean'
  | 'string'
  | 'text'
  | 'uuid'
  | 'json'
  | 'date'
  | 'time'
  | 'datetime'
  | 'blob'
  | 'enum';

/** Every {@link PortableColumnType}, in the order of the docs. */
export const PORTABLE_COLUMN_TYPES: readonly PortableColumnType[] = [
  'integer',
  'bigint',
  'smallint',
  'decimal',
  'float',
  'double',
  'boolean',
  'string',
  'text',
  'uuid',
  'json',
  'date',
  'time',
  'datetime',
  'blob',
  'enum',
];

/**
 * A column's type: a portable type and its parameters, with an optional native type
 * per dialect that wins over the portable one on that dialect (the escape hatch, e.g.
 * `nativeType: { postgresql: 'citext' }`).
 */
export interface ColumnType {
  readonly type: PortableColumnType;
  /** `string`: the maximum length in characters (default 255). */
  readonly length?: number | undefined;
  /** `decimal`: total digits (default 10); `datetime`/`time`: fractional-second digits. */
  readonly precision?: number | undefined;
  /** `decimal`: digits after the point (default 0). */
  readonly scale?: number | undefined;
  /** `datetime` and `time`: with a time zone. Default false. */
  readonly timezone?: boolean | undefined;
  /** `enum`: the allowed values, in order. */
  readonly values?: readonly string[] | undefined;
  /** `enum`: the name of the native enum type, where the dialect makes one (PostgreSQL). */
  readonly enumName?: string | undefined;
  /**
   * The type to write on a given dialect instead of the portable one, keyed by the
   * dialect name `op.dialect` reports (`sqlite`, `postgresql`, `mariadb`, …).
   */
  readonly nativeType?: Readonly<Record<string, string>> | undefined;
}

/**
 * A SQL expression, written into the statement as is (a default such as
 * `CURRENT_TIMESTAMP`, a check's condition). Portable only as far as its text is.
 */
export interface SqlExpression {
  readonly sql: string;
}

/**
 * A column default: a literal (quoted for the dialect) or a SQL expression. In
 * {@link AlterColumnChanges}, `null` removes the default.
 */
export type ColumnDefault = string | number | boolean | SqlExpression;

/** What to do with referencing rows when the referenced row is deleted or updated. */
export type ReferentialAction = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action';

/**
 * A column of {@link MigrationSchemaOperations.createTable} or
 * {@link MigrationSchemaOperations.addColumn}.
 *
 * ### Examples
 * ```ts
 * { type: 'string', length: 320, nullable: false, unique: true }
 * { type: 'datetime', timezone: true, default: { sql: 'CURRENT_TIMESTAMP' } }
 * { type: 'integer', references: { table: 'accounts', column: 'id', onDelete: 'cascade' } }
 * ```
 */
export interface ColumnDefinition extends ColumnType {
  /** Whether the column accepts NULL. Default true, as in Alembic; a primary-key column is never nullable. */
  readonly nullable?: boolean | undefined;
  /** The value a row gets when an insert leaves the column out. */
  readonly default?: ColumnDefault | undefined;
  /** Part of the table's primary key (several columns make a composite key, in column order). */
  readonly primaryKey?: boolean | undefined;
  /** A generated key: SQLite's `autoincrement`, PostgreSQL's `serial`/identity, MySQL's `auto_increment`. Integer primary keys only. */
  readonly autoincrement?: boolean | undefined;
  /** A unique constraint on this column alone. */
  readonly unique?: boolean | undefined;
  /** A foreign key on this column alone. */
  readonly references?: ColumnReference | undefined;
  /** The column's comment, where the dialect keeps one (not SQLite). */
  readonly comment?: string | undefined;
}

/** A single-column foreign key, declared on the column. */
export interface ColumnReference {
  readonly table: string;
  readonly column: string;
  /** The referenced table's schema, where the dialect has schemas. */
  readonly schema?: string | undefined;
  /** The constraint's name; default `<table>_<column>_foreign`. */
  readonly name?: string | undefined;
  readonly onDelete?: ReferentialAction | undefined;
  readonly onUpdate?: ReferentialAction | undefined;
}

/** A table or view, with its schema where the dialect has schemas (PostgreSQL). */
export interface QualifiedName {
  readonly name: string;
  readonly schema?: string | undefined;
}

/** A column of a table, with its name. */
export interface NamedColumn extends ColumnDefinition {
  readonly name: string;
}

/** One key of an index: a column, or a SQL expression (an expression index). */
export type IndexKey = string | SqlExpression;

/** An index, as {@link MigrationSchemaOperations.createIndex} records it. */
export interface IndexDefinition {
  readonly name: string;
  /** The indexed columns and expressions, in order. */
  readonly columns: readonly IndexKey[];
  readonly unique?: boolean | undefined;
  /** A partial index's condition (SQL). */
  readonly where?: string | undefined;
}

/** A foreign key of one or more columns. */
export interface ForeignKeyDefinition {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: QualifiedName;
  readonly referencedColumns: readonly string[];
  readonly onDelete?: ReferentialAction | undefined;
  readonly onUpdate?: ReferentialAction | undefined;
}

/** A named unique constraint over one or more columns. */
export interface UniqueDefinition {
  readonly name: string;
  readonly columns: readonly string[];
}

/** A named check constraint. */
export interface CheckDefinition {
  readonly name: string;
  /** The condition, in SQL. */
  readonly expression: string;
  /**
   * The one column the check is about, when it is: SQLite then writes it in that column's
   * definition, where MikroORM reads an enum's values from (a check `status in ('a', 'b')`).
   */
  readonly column?: string | undefined;
}

/** A primary key; `name` may be left to the database where it names it itself. */
export interface PrimaryKeyDefinition {
  readonly name?: string | undefined;
  readonly columns: readonly string[];
}

/** The kinds of constraint {@link MigrationSchemaOperations.dropConstraint} drops. */
export type ConstraintType = 'foreignKey' | 'unique' | 'check' | 'primaryKey';

/** What {@link MigrationSchemaOperations.alterColumn} changes; a property left out stays as it is. */
export interface AlterColumnChanges extends Omit<Partial<ColumnType>, 'type'> {
  /** The new type, with its parameters from the other fields of {@link ColumnType}. */
  readonly type?: PortableColumnType | undefined;
  readonly nullable?: boolean | undefined;
  /** The new default; `null` removes it. */
  readonly default?: ColumnDefault | null | undefined;
  /** A new name for the column. */
  readonly name?: string | undefined;
  /** The new comment; `null` removes it. */
  readonly comment?: string | null | undefined;
}

// ── recorded operations ───────────────────────────────────────────────────────

/** `op.createTable`: a table with its columns and constraints. */
export interface CreateTableOperation {
  readonly kind: 'createTable';
  readonly table: QualifiedName;
  readonly columns: readonly NamedColumn[];
  /** Set when the key was given apart from the columns (a named or composite key declared in the options). */
  readonly primaryKey?: PrimaryKeyDefinition | undefined;
  readonly indexes: readonly IndexDefinition[];
  readonly uniques: readonly UniqueDefinition[];
  readonly foreignKeys: readonly ForeignKeyDefinition[];
  readonly checks: readonly CheckDefinition[];
  readonly comment?: string | undefined;
}

/** `op.dropTable`. */
export interface DropTableOperation {
  readonly kind: 'dropTable';
  readonly table: QualifiedName;
  readonly ifExists: boolean;
}

/** `op.renameTable`. */
export interface RenameTableOperation {
  readonly kind: 'renameTable';
  readonly table: QualifiedName;
  readonly newName: string;
}

/** `op.createView`. */
export interface CreateViewOperation {
  readonly kind: 'createView';
  readonly view: QualifiedName;
  /** The view's query (`SELECT …`). */
  readonly definition: string;
  readonly orReplace: boolean;
}

/** `op.dropView`. */
export interface DropViewOperation {
  readonly kind: 'dropView';
  readonly view: QualifiedName;
  readonly ifExists: boolean;
}

/** A change to one table; several make one {@link AlterTableOperation}. */
export type TableChange =
  | { readonly kind: 'addColumn'; readonly column: NamedColumn }
  | { readonly kind: 'dropColumn'; readonly column: string }
  | { readonly kind: 'alterColumn'; readonly column: string; readonly changes: AlterColumnChanges }
  | {
      readonly kind: 'createIndex';
      readonly index: IndexDefinition;
      /** PostgreSQL's `CREATE INDEX CONCURRENTLY` (in a `transactional: false` migration). */
      readonly concurrently: boolean;
      readonly ifNotExists: boolean;
    }
  | { readonly kind: 'dropIndex'; readonly name: string; readonly concurrently: boolean; readonly ifExists: boolean }
  | {
      readonly kind: 'addForeignKey';
      readonly foreignKey: ForeignKeyDefinition;
      /** PostgreSQL's `NOT VALID`: existing rows are checked later, by a `validateConstraint`. Absent means false. */
      readonly notValid?: boolean | undefined;
    }
  | { readonly kind: 'addUnique'; readonly unique: UniqueDefinition }
  | {
      readonly kind: 'addCheck';
      readonly check: CheckDefinition;
      /** PostgreSQL's `NOT VALID`: existing rows are checked later, by a `validateConstraint`. Absent means false. */
      readonly notValid?: boolean | undefined;
    }
  | { readonly kind: 'addPrimaryKey'; readonly primaryKey: PrimaryKeyDefinition }
  | { readonly kind: 'dropConstraint'; readonly name: string; readonly type: ConstraintType }
  /** PostgreSQL's `VALIDATE CONSTRAINT`: checks the existing rows of a foreign key or check added `notValid`. */
  | { readonly kind: 'validateConstraint'; readonly name: string };

/** The kind of a {@link TableChange}. */
export type TableChangeKind = TableChange['kind'];

/**
 * Changes to one existing table: one call such as `op.addColumn` (one change), or an
 * `op.batchAlterTable` block (several). On SQLite, changes that `ALTER TABLE` cannot
 * make run as one rebuild of the table for the whole operation.
 */
export interface AlterTableOperation {
  readonly kind: 'alterTable';
  readonly table: QualifiedName;
  readonly changes: readonly TableChange[];
  /** True for an `op.batchAlterTable` block, which always compiles as one unit. */
  readonly batch: boolean;
}

/**
 * A table as the schema model knows it: what `createTable` made of it and every change
 * since. The same shape describes a table read from a database, where each column's
 * `nativeType` holds the type the database reports for the dialect read.
 */
export type TableDescription = Omit<CreateTableOperation, 'kind'>;

/** Every recorded schema operation. */
export type SchemaOperation =
  | CreateTableOperation
  | DropTableOperation
  | RenameTableOperation
  | AlterTableOperation
  | CreateViewOperation
  | DropViewOperation;

/** The kind of a {@link SchemaOperation}. */
export type SchemaOperationKind = SchemaOperation['kind'];

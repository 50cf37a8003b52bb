/**
 * The schema-operation compiler of a SQL adapter built on MikroORM: each recorded
 * operation becomes the statements MikroORM's schema helper writes for the dialect
 * (`createTable`, `getAddColumnsSQL`, `alterTableColumn`, `getCreateIndexSQL`,
 * `createForeignKey`, …), with the types from the platform's declarations.
 *
 * @packageDocumentation
 */

import {
  hasTypeChange,
  OperationNotSupportedError,
  splitStatements,
  type AlterTableOperation,
  type CompiledOperation,
  type NamedColumn,
  type OperationCompileContext,
  type QualifiedName,
  type SchemaCheckQuery,
  type SchemaOperation,
  type SchemaOperationCompiler,
  type TableChange,
  type TableDescription,
} from '@cloudguard/migrate-core/adapter';
import { DatabaseTable, type AbstractSqlPlatform, type Column, type SchemaHelper, type TableDifference } from '@mikro-orm/sql';

import { changePreconditions } from './change-preconditions.js';
import { defaultSql, dialectColumnType, enumCheckExpression, toMikroColumn } from './column-sql.js';
import {
  columnForeignKey,
  defaultConstraintName,
  qualifiedName,
  tableDifference,
  toMikroForeignKey,
  toMikroIndex,
  toMikroPrimaryKey,
  toMikroTable,
  withIndexExpressions,
} from './table-model.js';

/**
 * What a dialect can do beyond what every dialect does, as data (not asked by name).
 * Each defaults to false.
 */
export interface OperationDialectFeatures {
  /** The dialect's name in messages (`PostgreSQL`, `SQLite`). */
  readonly displayName: string;
  /** `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY`, outside a transaction block (PostgreSQL). */
  readonly concurrentIndexes?: boolean | undefined;
  /**
   * Foreign keys and checks added `NOT VALID`, checked later by `VALIDATE CONSTRAINT`
   * (PostgreSQL). Without it `notValid` and `validateConstraint` are refused, as
   * `concurrently` is without {@link concurrentIndexes}.
   */
  readonly constraintValidation?: boolean | undefined;
  /** `CREATE INDEX IF NOT EXISTS` and `DROP INDEX IF EXISTS` (PostgreSQL, SQLite, MariaDB). */
  readonly indexExistenceClauses?: boolean | undefined;
  /** The schema helper writes foreign keys inside `CREATE TABLE` (SQLite, which cannot add them later). */
  readonly foreignKeysInCreateTable?: boolean | undefined;
  /**
   * Changing or renaming a column restates its whole definition (MySQL's `MODIFY` and
   * `CHANGE`): the compiler then reads the table's definition first.
   */
  readonly restatesColumnOnAlter?: boolean | undefined;
  /** Index keys that are expressions (PostgreSQL, SQLite, MySQL 8); MariaDB indexes only columns. */
  readonly expressionIndexes?: boolean | undefined;
  /** `CREATE OR REPLACE VIEW` (PostgreSQL, MySQL); elsewhere the view is dropped first. */
  readonly replaceableViews?: boolean | undefined;
}

/** The parts of the compiler a dialect's own `alterTable` compilation may build on. */
export interface AlterTableTools {
  readonly dialect: string;
  readonly platform: AbstractSqlPlatform;
  readonly schemaHelper: SchemaHelper;
  /** The statements of the changes one by one, as the compiler writes them without the dialect's hook. */
  changeStatements(operation: AlterTableOperation, context: OperationCompileContext): Promise<string[]>;
  /** The checks of the changes' rows the compiler runs first (see `changePreconditions`), online only. */
  changePreconditions(operation: AlterTableOperation, context: OperationCompileContext): Promise<SchemaCheckQuery[]>;
  /** Refuses the operation, naming it and the dialect. */
  refuse(operation: SchemaOperation, reason: string): never;
}

/** What {@link createOperationCompiler} builds a compiler from. */
export interface OperationCompilerOptions {
  /** The dialect name, as `op.dialect` reports it (`sqlite`, `postgresql`, `mysql`, `mariadb`). */
  readonly dialect: string;
  /** MikroORM's platform of the dialect, with its configuration set. */
  readonly platform: AbstractSqlPlatform;
  /** The platform's schema helper unless given. */
  readonly schemaHelper?: SchemaHelper | undefined;
  readonly features: OperationDialectFeatures;
  /**
   * A dialect's own compilation of an `alterTable` operation (SQLite's table rebuild);
   * `undefined` from it leaves the operation to the change-by-change statements.
   */
  readonly alterTable?: ((operation: AlterTableOperation, context: OperationCompileContext, tools: AlterTableTools) => Promise<CompiledOperation | undefined>) | undefined;
}

/**
 * A {@link SchemaOperationCompiler} over MikroORM's platform and schema helper.
 *
 * ### Examples
 * ```ts
 * const compiler = createOperationCompiler({
 *   dialect: 'postgresql',
 *   platform: orm.driver.getPlatform(),
 *   features: { displayName: 'PostgreSQL', concurrentIndexes: true, indexExistenceClauses: true, replaceableViews: true, expressionIndexes: true },
 * });
 * const { statements } = await compiler.compile(operation, context);
 * ```
 * @throws {OperationNotSupportedError} (from `compile`) for an operation or option the
 *   dialect cannot honour, before any statement is returned.
 */
export function createOperationCompiler(options: OperationCompilerOptions): SchemaOperationCompiler {
  return new MikroOperationCompiler(options);
}

class MikroOperationCompiler implements SchemaOperationCompiler {
  readonly #dialect: string;
  readonly #platform: AbstractSqlPlatform;
  readonly #helper: SchemaHelper;
  readonly #features: OperationDialectFeatures;
  readonly #alterTable: OperationCompilerOptions['alterTable'];

  constructor(options: OperationCompilerOptions) {
    this.#dialect = options.dialect;
    this.#platform = options.platform;
    const helper = options.schemaHelper ?? options.platform.getSchemaHelper();
    if (helper === undefined) throw new Error(`MikroORM's ${options.features.displayName} platform has no schema helper`);
    this.#helper = helper;
    this.#features = options.features;
    this.#alterTable = options.alterTable;
  }

  async compile(operation: SchemaOperation, context: OperationCompileContext): Promise<CompiledOperation> {
    try {
      return await this.#compile(operation, context);
    } catch (error) {
      if (error instanceof OperationNotSupportedError) throw error;
      // MikroORM refuses what its dialect cannot write (a partial index on MariaDB, …) with a plain error.
      this.#refuse(operation, error instanceof Error ? error.message : String(error));
    }
  }

  async #compile(operation: SchemaOperation, context: OperationCompileContext): Promise<CompiledOperation> {
    switch (operation.kind) {
      case 'createTable':
        if (this.#features.expressionIndexes !== true && operation.indexes.some((index) => index.columns.some((key) => typeof key !== 'string'))) {
          this.#refuse(operation, `${this.#features.displayName} indexes columns only, not expressions: index a generated column instead`);
        }
        return { statements: this.#createTable(operation) };
      case 'dropTable':
        return { statements: await this.#dropTable(operation.table, operation.ifExists, context) };
      case 'renameTable':
        return {
          statements: [`alter table ${this.#quoteTable(operation.table)} rename to ${this.#platform.quoteIdentifier(operation.newName)}`],
        };
      case 'createView':
        return { statements: this.#createView(operation.view, operation.definition, operation.orReplace) };
      case 'dropView':
        return { statements: [this.#dropView(operation.view, operation.ifExists)] };
      case 'alterTable': {
        this.#checkOptions(operation, context);
        const own = await this.#alterTable?.(operation, context, this.#tools());
        if (own !== undefined) return own;
        const statements = await this.#changeStatements(operation, context);
        const checks = await changePreconditions(operation, context, this.#platform, this.#quoteTable(operation.table));
        return checks.length === 0 ? { statements } : { statements, checks };
      }
    }
  }

  #tools(): AlterTableTools {
    return {
      dialect: this.#dialect,
      platform: this.#platform,
      schemaHelper: this.#helper,
      changeStatements: (operation, context) => this.#changeStatements(operation, context),
      changePreconditions: (operation, context) => changePreconditions(operation, context, this.#platform, this.#quoteTable(operation.table)),
      refuse: (operation, reason) => this.#refuse(operation, reason),
    };
  }

  #refuse(operation: SchemaOperation, reason: string): never {
    throw new OperationNotSupportedError(describeOperation(operation), this.#dialect, reason);
  }

  /** The options only some dialects honour, refused before anything is compiled. */
  #checkOptions(operation: AlterTableOperation, context: OperationCompileContext): void {
    const { displayName } = this.#features;
    for (const change of operation.changes) {
      if ((change.kind === 'createIndex' || change.kind === 'dropIndex') && change.concurrently) {
        if (this.#features.concurrentIndexes !== true) this.#refuse(operation, `${displayName} has no concurrent index builds`);
        if (context.inTransaction) {
          this.#refuse(operation, 'CONCURRENTLY cannot run inside a transaction block; mark the migration transactional: false');
        }
        if (operation.changes.length > 1) this.#refuse(operation, 'a concurrent index build must be an operation of its own');
      }
      if (this.#features.expressionIndexes !== true && change.kind === 'createIndex' && change.index.columns.some((key) => typeof key !== 'string')) {
        this.#refuse(operation, `${displayName} indexes columns only, not expressions: index a generated column instead`);
      }
      if (this.#features.constraintValidation !== true) {
        if ((change.kind === 'addForeignKey' || change.kind === 'addCheck') && change.notValid === true) {
          this.#refuse(operation, `${displayName} has no NOT VALID constraints: it checks the existing rows when it adds one`);
        }
        if (change.kind === 'validateConstraint') {
          this.#refuse(operation, `${displayName} has no VALIDATE CONSTRAINT: it checks the existing rows when it adds a constraint, so none is left to validate`);
        }
      }
      if (this.#features.indexExistenceClauses !== true) {
        if (change.kind === 'createIndex' && change.ifNotExists) this.#refuse(operation, `${displayName} has no CREATE INDEX IF NOT EXISTS`);
        if (change.kind === 'dropIndex' && change.ifExists) this.#refuse(operation, `${displayName} has no DROP INDEX IF EXISTS`);
      }
    }
  }

  // ── tables ──────────────────────────────────────────────────────────────────

  #createTable(description: TableDescription): string[] {
    const { table, nativeEnums } = toMikroTable(description, this.#dialect, this.#platform);
    const statements = nativeEnums.map((type) => this.#helper.getCreateNativeEnumSQL(type.name, [...type.values], table.schema));
    statements.push(...this.#helper.createTable(table));
    if (this.#features.foreignKeysInCreateTable !== true) {
      for (const key of Object.values(table.getForeignKeys())) statements.push(this.#helper.createForeignKey(table, key));
    }
    return withIndexExpressions(this.#finish(statements), description.indexes, this.#platform);
  }

  async #dropTable(table: QualifiedName, ifExists: boolean, context: OperationCompileContext): Promise<string[]> {
    const statements = [ifExists ? this.#helper.dropTableIfExists(table.name, table.schema) : `drop table ${this.#quoteTable(table)}`];
    // `drop table if exists … cascade` (PostgreSQL) would silently drop the views that use it: drop as asked.
    statements[0] = statements[0]!.replace(/ cascade$/, '');
    // A native enum type made for the table's columns goes with it (PostgreSQL), when no other column uses it.
    // One catalog query, not the table's whole definition: a drop runs once per table a downgrade removes.
    if (this.#platform.supportsNativeEnums() && !context.offline && context.query !== undefined) {
      const quoted = [table.schema, table.name].filter((part) => part !== undefined).map((part) => this.#platform.quoteIdentifier(part)).join('.');
      const enums = await context.query<{ name: string }>(NATIVE_ENUMS_ONLY_THIS_TABLE_USES, [quoted]);
      for (const { name } of enums) statements.push(this.#helper.getDropNativeEnumSQL(name, table.schema));
    }
    return this.#finish(statements);
  }

  #createView(view: QualifiedName, definition: string, orReplace: boolean): string[] {
    const create = this.#helper.createView(view.name, view.schema, definition);
    if (!orReplace) return [create];
    if (this.#features.replaceableViews === true) return [create.replace(/^create view/, 'create or replace view')];
    return [this.#dropView(view, true), create];
  }

  #dropView(view: QualifiedName, ifExists: boolean): string {
    if (ifExists) return this.#helper.dropViewIfExists(view.name, view.schema).replace(/ cascade$/, '');
    return `drop view ${this.#quoteTable(view)}`;
  }

  // ── changes of one table ──────────────────────────────────────────────────────

  async #changeStatements(operation: AlterTableOperation, context: OperationCompileContext): Promise<string[]> {
    const needsDefinition =
      this.#features.restatesColumnOnAlter === true && operation.changes.some((change) => change.kind === 'alterColumn');
    const before = needsDefinition ? await context.describeTable(operation.table) : undefined;
    if (needsDefinition && before === undefined) this.#refuse(operation, `table ${qualifiedName(operation.table)} does not exist`);
    const columns = new Map((before?.columns ?? []).map((column) => [column.name, column]));
    const statements: string[] = [];
    for (const change of operation.changes) statements.push(...this.#change(operation, change, columns));
    return statements;
  }

  /** One change's statements; `columns` is the table's columns as known so far (when it was read), kept up to date. */
  #change(operation: AlterTableOperation, change: TableChange, columns: Map<string, NamedColumn>): string[] {
    const { table: name } = operation;
    const table = this.#emptyTable(name);
    const tableName = this.#helperTableName(name);
    switch (change.kind) {
      case 'addColumn': {
        const { column } = change;
        const mapped = toMikroColumn(column, this.#dialect, this.#platform);
        const type = dialectColumnType(column, this.#dialect, this.#platform, column.name);
        const diff = tableDifference(table, table, { addedColumns: { [column.name]: mapped } });
        if (type.enumCheck !== undefined) {
          table.addCheck({ name: defaultConstraintName(this.#platform, name.name, [column.name], 'check'), expression: enumCheckExpression(column.name, type.enumCheck, this.#platform), columnName: column.name });
        }
        if (column.references !== undefined) {
          const key = toMikroForeignKey(this.#platform, name, columnForeignKey(this.#platform, name, column.name, column.references));
          diff.addedForeignKeys[key.constraintName] = key;
        }
        table.addColumn(mapped);
        const statements = type.nativeEnum === undefined ? [] : [this.#helper.getCreateNativeEnumSQL(type.nativeEnum.name, [...type.nativeEnum.values], name.schema)];
        // SQLite's helper takes the foreign key (and the check) into the column; the others are added after.
        statements.push(...(this.#helper.getAddColumnsSQL as (table: DatabaseTable, columns: Column[], diff: TableDifference) => string[])(table, [mapped], diff));
        for (const key of Object.values(diff.addedForeignKeys)) statements.push(this.#helper.createForeignKey(table, key));
        for (const check of table.getChecks()) statements.push(this.#helper.createCheck(table, check));
        if (column.unique === true && column.primaryKey !== true) {
          const unique = toMikroIndex({ name: defaultConstraintName(this.#platform, name.name, [column.name], 'unique'), columns: [column.name], unique: true }, { constraint: true });
          statements.push(this.#helper.createIndex(unique, table));
        }
        columns.set(column.name, column);
        return this.#finish(statements);
      }
      case 'dropColumn':
        columns.delete(change.column);
        return this.#finish([this.#helper.getDropColumnsSQL(name.name, [{ name: change.column } as Column], name.schema)]);
      case 'alterColumn':
        return this.#alterColumn(operation, change, table, columns);
      case 'createIndex': {
        let [statement = ''] = withIndexExpressions([this.#helper.createIndex(toMikroIndex(change.index), table)], [change.index], this.#platform);
        if (change.concurrently) statement = statement.replace(/^create (unique )?index /, 'create $1index concurrently ');
        if (change.ifNotExists) statement = statement.replace(/^create (unique )?index (concurrently )?/, 'create $1index $2if not exists ');
        return this.#finish([statement]);
      }
      case 'dropIndex': {
        let statement = this.#helper.dropIndex(tableName, { keyName: change.name, columnNames: [], unique: false, constraint: false, primary: false });
        if (change.concurrently) statement = statement.replace(/^drop index /, 'drop index concurrently ');
        if (change.ifExists) statement = statement.replace(/^drop index (concurrently )?/, 'drop index $1if exists ');
        return this.#finish([statement]);
      }
      case 'addForeignKey':
        return notValid(this.#finish([this.#helper.createForeignKey(table, toMikroForeignKey(this.#platform, name, change.foreignKey))]), change.notValid);
      case 'addUnique':
        return this.#finish([this.#helper.createIndex(toMikroIndex({ ...change.unique, unique: true }, { constraint: true }), table)]);
      case 'addCheck':
        return notValid(this.#finish([this.#helper.createCheck(table, { name: change.check.name, expression: change.check.expression })]), change.notValid);
      case 'addPrimaryKey': {
        const key = toMikroPrimaryKey(this.#platform, name.name, change.primaryKey);
        table.setIndexes([key]);
        return this.#finish([this.#helper.createIndex(key, table, true)]);
      }
      case 'dropConstraint':
        return this.#finish([this.#dropConstraint(operation, tableName, change.name, change.type)]);
      case 'validateConstraint':
        return [`alter table ${this.#quoteTable(name)} validate constraint ${this.#platform.quoteIdentifier(change.name)}`];
    }
  }

  #alterColumn(operation: AlterTableOperation, change: Extract<TableChange, { kind: 'alterColumn' }>, table: DatabaseTable, columns: Map<string, NamedColumn>): string[] {
    const { changes } = change;
    const { table: name } = operation;
    const before = columns.get(change.column);
    const restates = this.#features.restatesColumnOnAlter === true;
    if (restates && before === undefined) this.#refuse(operation, `table ${qualifiedName(name)} has no column ${change.column}`);
    // What the column becomes: its definition as read (where it was) with the changes over it.
    const base: NamedColumn = before ?? { name: change.column, type: changes.type ?? 'text' };
    const after: NamedColumn = {
      ...base,
      ...definedOnly({ ...changes, name: change.column }),
      type: changes.type ?? base.type,
      ...(changes.type !== undefined && changes.type !== before?.type ? { nativeType: changes.nativeType } : {}),
      ...(hasTypeChange(changes) && changes.nativeType === undefined ? { nativeType: undefined } : {}),
      default: changes.default === undefined ? before?.default : (changes.default ?? undefined),
      comment: changes.comment === undefined ? before?.comment : (changes.comment ?? undefined),
    };
    const mapped = toMikroColumn(after, this.#dialect, this.#platform);
    if (changes.nullable === undefined) mapped.nullable = before?.nullable ?? true;
    // The column was not read and keeps its type: a boolean default is spelled as the platform stores booleans.
    if (before === undefined && changes.type === undefined && after.default !== undefined) mapped.default = defaultSql(after.default, this.#platform);
    if (before !== undefined) table.addColumn(toMikroColumn(before, this.#dialect, this.#platform));
    const changed = new Set<string>();
    if (hasTypeChange(changes)) changed.add('type');
    if (changes.nullable !== undefined) changed.add('nullable');
    if (changes.default !== undefined) changed.add('default');
    const commentChanged = changes.comment !== undefined;

    const statements: string[] = [];
    const type = dialectColumnType(after, this.#dialect, this.#platform, after.name);
    if (changed.has('type') && type.nativeEnum !== undefined) {
      statements.push(this.#helper.getCreateNativeEnumSQL(type.nativeEnum.name, [...type.nativeEnum.values], name.schema));
    }
    if (changed.has('type') && after.type === 'enum' && type.enumCheck !== undefined) {
      this.#refuse(operation, `turning a column into an enum on ${this.#features.displayName} needs a check constraint: add one with createCheckConstraint`);
    }
    if (changed.size > 0) {
      if (restates && commentChanged) changed.add('comment');
      statements.push(...this.#helper.alterTableColumn(mapped, table, changed));
    }
    if (commentChanged && !(restates && changed.size > 0)) {
      statements.push(this.#helper.getChangeColumnCommentSQL(name.name, mapped, name.schema));
    }
    if (changes.name !== undefined && changes.name !== change.column) {
      const renamed = { ...mapped, name: changes.name };
      statements.push(this.#helper.getRenameColumnSQL(name.name, change.column, renamed, name.schema));
      columns.delete(change.column);
      columns.set(changes.name, { ...after, name: changes.name });
    } else {
      columns.set(change.column, after);
    }
    return this.#finish(statements);
  }

  #dropConstraint(operation: AlterTableOperation, tableName: string, constraint: string, type: Extract<TableChange, { kind: 'dropConstraint' }>['type']): string {
    switch (type) {
      case 'foreignKey': {
        const statement = this.#helper.dropForeignKey(tableName, constraint);
        if (statement === '') this.#refuse(operation, `${this.#features.displayName} cannot drop a foreign key in place`);
        return statement;
      }
      case 'unique':
        return this.#helper.dropIndex(tableName, { keyName: constraint, columnNames: [], unique: true, constraint: true, primary: false });
      case 'check':
        return this.#helper.dropConstraint(tableName, constraint);
      case 'primaryKey':
        return this.#helper.dropIndex(tableName, { keyName: constraint, columnNames: [], unique: true, constraint: true, primary: true });
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  #emptyTable(name: QualifiedName): DatabaseTable {
    const table = new DatabaseTable(this.#platform, name.name, name.schema ?? this.#platform.getDefaultSchemaName());
    table.init([], [], [], []);
    return table;
  }

  /** The name the schema helper's string-taking methods expect: `schema.table` outside the default schema. */
  #helperTableName(name: QualifiedName): string {
    return name.schema === undefined || name.schema === this.#platform.getDefaultSchemaName() ? name.name : `${name.schema}.${name.name}`;
  }

  #quoteTable(name: QualifiedName): string {
    return this.#platform.quoteIdentifier(this.#helperTableName(name));
  }



  /** Statements as MikroORM writes them (some joined by `;\n`, some ending in `;`), one per entry, empty ones left out. */
  #finish(statements: readonly string[]): string[] {
    return statements.flatMap((statement) => splitStatements(statement)).filter((statement) => statement.trim() !== '');
  }
}

/** Counts the columns of other tables that use a native enum type (PostgreSQL). */
/** The enum types the columns of one table (`?`: its quoted, possibly qualified name) use, which no other table or view uses. */
const NATIVE_ENUMS_ONLY_THIS_TABLE_USES =
  'select distinct t.typname as name from pg_catalog.pg_attribute a join pg_catalog.pg_type t on t.oid = a.atttypid ' +
  "where a.attrelid = to_regclass(?) and a.attnum > 0 and not a.attisdropped and t.typtype = 'e' " +
  'and not exists (select 1 from pg_catalog.pg_attribute o join pg_catalog.pg_class c on c.oid = o.attrelid ' +
  "where o.atttypid = t.oid and o.attrelid <> a.attrelid and not o.attisdropped and c.relkind in ('r', 'p', 'v', 'm'))";

/** An operation, for messages: `createTable accounts`, `alterTable scans (alterColumn, createIndex)`. */
export function describeOperation(operation: SchemaOperation): string {
  switch (operation.kind) {
    case 'createView':
    case 'dropView':
      return `${operation.kind} ${qualifiedName(operation.view)}`;
    case 'alterTable':
      return `alterTable ${qualifiedName(operation.table)} (${operation.changes.map((change) => change.kind).join(', ')})`;
    default:
      return `${operation.kind} ${qualifiedName(operation.table)}`;
  }
}

/**
 * `ADD CONSTRAINT … NOT VALID` for the one `alter table … add constraint` statement of a
 * foreign key or check (the clause ends the statement, after `ON DELETE` and the rest).
 */
function notValid(statements: string[], asked: boolean | undefined): string[] {
  if (asked !== true) return statements;
  return statements.map((statement) => (/^alter table .* add constraint /is.test(statement) ? `${statement.replace(/;\s*$/, '')} not valid` : statement));
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([key, entry]) => entry !== undefined && key !== 'default' && key !== 'comment')) as Partial<T>;
}


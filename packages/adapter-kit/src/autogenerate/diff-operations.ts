/**
 * MikroORM's schema difference as portable schema operations: what autogenerate writes
 * by default, so that a migration generated against SQLite runs on PostgreSQL too.
 *
 * The difference is MikroORM's own (`SchemaComparator.compare`), read as data: new
 * tables become `createTable`, a changed table one `alterTable` (one rebuild on SQLite
 * for all its changes), removed tables `dropTable`, views `createView`/`dropView`. Each
 * column gets the portable type of its entity property's MikroORM type, and a
 * `nativeType` for the dialect compared where the column's type there is not what the
 * portable type compiles to (a `columnType` the entity spells out), so that the dialect
 * compared gets exactly the entities' types and the others the portable ones.
 *
 * What has no operation (a routine, a trigger, a schema, a partitioning, a renamed index,
 * a change of a column's autoincrement or collation) makes the whole difference
 * unrepresentable: the caller then writes SQL statements, and says why.
 *
 * @packageDocumentation
 */

import type {
  AlterColumnChanges,
  CheckDefinition,
  ColumnDefault,
  CreateTableOperation,
  ForeignKeyDefinition,
  IndexDefinition,
  NamedColumn,
  PortableColumnType,
  QualifiedName,
  SchemaOperation,
  TableChange,
  UniqueDefinition,
} from '@cloudguard/migrate-core/adapter';
import type { EntityProperty } from '@mikro-orm/core';
import type { AbstractSqlPlatform, CheckDef, Column, DatabaseTable, ForeignKey, IndexDef, SchemaDifference, TableDifference } from '@mikro-orm/sql';

import { dialectColumnType } from '../operations/column-sql.js';
import { defaultConstraintName } from '../operations/table-model.js';
import { portableType, referentialAction } from '../operations/describe-table.js';

/** The operations of a difference, or why there are none. */
export type DiffOperations =
  | { readonly operations: readonly SchemaOperation[]; readonly unsupported?: undefined }
  | { readonly operations?: undefined; readonly unsupported: string };

/** What the conversion needs: the dialect compared and its platform. */
export interface DiffOperationsOptions {
  /** The dialect's name, as `op.dialect` reports it: the key of a column's `nativeType`. */
  readonly dialect: string;
  readonly platform: AbstractSqlPlatform;
  /**
   * The entity property a column of a table was made from, when the entities made it:
   * its type says what the column means (`boolean`, `string`), which the dialect's SQL type
   * may not (SQLite keeps a boolean as `integer` and a string as `text`).
   */
  readonly property?: ((table: string, column: string) => EntityProperty | undefined) | undefined;
}

/** Thrown inside the conversion for what has no operation; caught by {@link operationsFromDiff}. */
class Unsupported extends Error {}

/**
 * The schema operations that do what `diff` describes.
 *
 * ### Examples
 * ```ts
 * const up = operationsFromDiff(compared.upDiff, { dialect: 'sqlite', platform });
 * if (up.operations) render(up.operations); else note(`written as SQL: ${up.unsupported}`);
 * ```
 */
export function operationsFromDiff(diff: SchemaDifference, options: DiffOperationsOptions): DiffOperations {
  try {
    return { operations: convert(diff, options) };
  } catch (error) {
    if (error instanceof Unsupported) return { unsupported: error.message };
    throw error;
  }
}

function convert(diff: SchemaDifference, options: DiffOperationsOptions): SchemaOperation[] {
  if (diff.newNamespaces.size > 0 || diff.removedNamespaces.size > 0) throw new Unsupported('it creates or drops a schema');
  if (Object.keys(diff.newRoutines).length + Object.keys(diff.changedRoutines).length + Object.keys(diff.removedRoutines).length > 0) {
    throw new Unsupported('it changes a routine');
  }
  const enumsMadeByColumns = new Set(
    [...Object.values(diff.newTables).flatMap((table) => table.getColumns()), ...Object.values(diff.changedTables).flatMap((table) => Object.values(table.addedColumns))]
      .map((column) => column.nativeEnumName)
      .filter((name): name is string => name !== undefined),
  );
  for (const created of diff.newNativeEnums) {
    if (!enumsMadeByColumns.has(created.name)) throw new Unsupported(`it creates the enum type ${created.name} apart from a new column`);
  }
  if (diff.removedNativeEnums.length > 0 && Object.keys(diff.removedTables).length === 0) throw new Unsupported('it drops an enum type');

  const operations: SchemaOperation[] = [];
  operations.push(...createTables(Object.values(diff.newTables), options));
  for (const changed of Object.values(diff.changedTables)) {
    const alter = alterTable(changed, options);
    if (alter !== undefined) operations.push(alter);
  }
  // Keys of remaining tables that reference a removed one go first; keys among removed tables go with them.
  const removed = Object.values(diff.removedTables);
  const removedNames = new Set(removed.flatMap((table) => [table.getShortestName(), table.name]));
  const orphaned = groupBy(
    diff.orphanedForeignKeys.filter((key) => !removedNames.has(key.localTableName) && !removedNames.has(shortName(key.localTableName))),
    (key) => key.localTableName,
  );
  for (const [table, keys] of orphaned) {
    operations.push({
      kind: 'alterTable',
      table: nameOf(table, options.platform),
      changes: keys.map((key) => ({ kind: 'dropConstraint', name: key.constraintName, type: 'foreignKey' })),
      batch: keys.length > 1,
    });
  }
  // A table is dropped before the tables it references.
  for (const table of dependencyOrder(removed).reverse()) {
    operations.push({ kind: 'dropTable', table: tableName(table, options.platform), ifExists: false });
  }
  for (const view of Object.values(diff.removedViews)) operations.push({ kind: 'dropView', view: { name: view.name, schema: view.schema }, ifExists: false });
  for (const { from, to } of Object.values(diff.changedViews)) {
    if (from.materialized === true || to.materialized === true) throw new Unsupported(`it changes the materialized view ${to.name}`);
    operations.push({ kind: 'createView', view: { name: to.name, schema: to.schema }, definition: to.definition, orReplace: true });
  }
  for (const view of Object.values(diff.newViews)) {
    if (view.materialized === true) throw new Unsupported(`it creates the materialized view ${view.name}`);
    operations.push({ kind: 'createView', view: { name: view.name, schema: view.schema }, definition: view.definition, orReplace: false });
  }
  return operations;
}

/**
 * `createTable` for each new table, each after the tables its foreign keys reference;
 * a key in a cycle of new tables is added after all of them.
 */
function createTables(tables: readonly DatabaseTable[], options: DiffOperationsOptions): SchemaOperation[] {
  const byName = new Map(tables.map((table) => [table.getShortestName(), table]));
  const ordered = dependencyOrder(tables);
  const deferred: { table: DatabaseTable; key: ForeignKey }[] = [];

  const done = new Set<string>();
  const operations: SchemaOperation[] = ordered.map((table) => {
    const inline: ForeignKey[] = [];
    for (const key of Object.values(table.getForeignKeys())) {
      const referenced = byName.get(key.referencedTableName) ?? byName.get(shortName(key.referencedTableName));
      const later = referenced !== undefined && referenced !== table && !done.has(referenced.getShortestName());
      if (later) deferred.push({ table, key });
      else inline.push(key);
    }
    done.add(table.getShortestName());
    return createTable(table, inline, options);
  });
  for (const { table, key } of deferred) {
    operations.push({
      kind: 'alterTable',
      table: tableName(table, options.platform),
      changes: [{ kind: 'addForeignKey', foreignKey: foreignKey(key, options.platform) }],
      batch: false,
    });
  }
  return operations;
}

function createTable(table: DatabaseTable, keys: readonly ForeignKey[], options: DiffOperationsOptions): CreateTableOperation {
  if (table.getTriggers().length > 0) throw new Unsupported(`table ${table.name} has a trigger`);
  if (table.getPolicies().length > 0 || table.rlsEnabled || table.rlsForced) throw new Unsupported(`table ${table.name} has row level security`);
  if (table.getPartitioning() !== undefined) throw new Unsupported(`table ${table.name} is partitioned`);
  if (table.getColumns().some((column) => column.generated !== undefined || column.collation !== undefined || column.unsigned === true)) {
    throw new Unsupported(`a column of table ${table.name} is generated, has a collation or is unsigned`);
  }
  const primary = table.getPrimaryKey();
  const single = primary !== undefined && primary.columnNames.length === 1 && !options.platform.getSchemaHelper()?.hasNonDefaultPrimaryKeyName(table);
  const columns = table.getColumns().map((column) => {
    const named = columnOf(table.name, column, options);
    return single && primary.columnNames[0] === column.name ? { ...named, primaryKey: true, nullable: undefined } : { ...named, primaryKey: undefined };
  });
  const { indexes, uniques } = indexesOf(table.getIndexes().filter((index) => !index.primary));
  return {
    kind: 'createTable',
    table: tableName(table, options.platform),
    columns,
    primaryKey: primary === undefined || single ? undefined : { name: primary.keyName, columns: [...primary.columnNames] },
    indexes,
    uniques,
    foreignKeys: keys.map((key) => foreignKey(key, options.platform)),
    checks: checksOf(table.name, table.getColumns(), table.getChecks(), options),
    comment: table.comment === undefined || table.comment === '' ? undefined : table.comment,
  };
}

/**
 * A table's checks: its enum columns' in the portable form {@link enumChecks} writes
 * (MikroORM's own spelling of them quotes the column the dialect's way), then the others.
 */
function checksOf(table: string, columns: readonly Column[], declared: readonly { name: string; expression: unknown }[], options: DiffOperationsOptions): CheckDefinition[] {
  const enums = enumChecks(table, columns, options);
  const others = declared.filter((check) => !enums.some((made) => made.name === check.name)).map(checkOf);
  return [...others, ...enums];
}

/**
 * The checks that keep the values of enum columns without a native enum type: MikroORM
 * declares them from the column's `enumItems` when it writes a table (named
 * `<table>_<column>_check`, as PostgreSQL names a column's check), so the operations
 * spell them out, portably: the column's name unquoted, the values as SQL strings.
 */
function enumChecks(table: string, columns: readonly Column[], options: DiffOperationsOptions): CheckDefinition[] {
  return columns.flatMap((column) => {
    const values = column.enumItems ?? [];
    const native = isNativeEnum(column, options.platform);
    if (values.length === 0 || native) return [];
    const name = defaultConstraintName(options.platform, table, [column.name], 'check');
    if (!/^[a-z_][a-z0-9_]*$/.test(column.name)) throw new Unsupported(`the enum column ${column.name} needs quoting in its check`);
    return [{ name, expression: `${column.name} in (${values.map((value) => `'${String(value).replaceAll("'", "''")}'`).join(', ')})`, column: column.name }];
  });
}

/**
 * Tables in an order where each comes after the tables its foreign keys reference, as
 * far as cycles allow (a cycle is broken where it was entered).
 */
function dependencyOrder(tables: readonly DatabaseTable[]): DatabaseTable[] {
  const byName = new Map(tables.map((table) => [table.getShortestName(), table]));
  const placed = new Set<DatabaseTable>();
  const visiting = new Set<DatabaseTable>();
  const ordered: DatabaseTable[] = [];
  const visit = (table: DatabaseTable): void => {
    if (placed.has(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const key of Object.values(table.getForeignKeys())) {
      const referenced = byName.get(key.referencedTableName) ?? byName.get(shortName(key.referencedTableName));
      if (referenced !== undefined && referenced !== table) visit(referenced);
    }
    visiting.delete(table);
    placed.add(table);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}

/** One `alterTable` with every change of a table, in the order its statements must run. */
function alterTable(diff: TableDifference, options: DiffOperationsOptions): SchemaOperation | undefined {
  if (Object.keys(diff.renamedIndexes).length > 0) throw new Unsupported(`it renames an index of ${diff.name}`);
  if (Object.keys(diff.addedTriggers).length + Object.keys(diff.changedTriggers).length + Object.keys(diff.removedTriggers).length > 0) {
    throw new Unsupported(`it changes a trigger of ${diff.name}`);
  }
  if (Object.keys(diff.addedPolicies).length + Object.keys(diff.removedPolicies).length > 0 || diff.changedRlsEnabled !== undefined || diff.changedRlsForced !== undefined) {
    throw new Unsupported(`it changes the row level security of ${diff.name}`);
  }
  if (diff.changedPartitioning !== undefined) throw new Unsupported(`it changes the partitioning of ${diff.name}`);
  if (diff.changedComment !== undefined) throw new Unsupported(`it changes the comment of table ${diff.name}`);

  // The checks of enum columns are written here, portably, from the columns; MikroORM's own for them are left out.
  const enumColumns = [
    ...Object.values(diff.addedColumns),
    ...Object.values(diff.changedColumns)
      .filter((changed) => changed.changedProperties.has('enumItems') && !isNativeEnum(changed.column, options.platform))
      .map((changed) => changed.column),
  ];
  const enumCheckNames = new Set(enumColumns.map((column) => defaultConstraintName(options.platform, diff.toTable.name, [column.name], 'check')));
  const otherChecks = (checks: Record<string, CheckDef>): CheckDef[] => Object.values(checks).filter((check) => !enumCheckNames.has(check.name));

  const changes: TableChange[] = [];
  for (const key of [...Object.values(diff.removedForeignKeys), ...Object.values(diff.changedForeignKeys)]) {
    const old = Object.values(diff.fromTable.getForeignKeys()).find((candidate) => candidate.constraintName === key.constraintName) ?? key;
    changes.push({ kind: 'dropConstraint', name: old.constraintName, type: 'foreignKey' });
  }
  for (const index of [...Object.values(diff.removedIndexes), ...Object.values(diff.changedIndexes)]) {
    if (index.primary) throw new Unsupported(`it changes the primary key of ${diff.name}`);
    const old = diff.fromTable.getIndexes().find((candidate) => candidate.keyName === index.keyName) ?? index;
    changes.push(old.unique && old.constraint ? { kind: 'dropConstraint', name: old.keyName, type: 'unique' } : { kind: 'dropIndex', name: old.keyName, concurrently: false, ifExists: false });
  }
  for (const check of [...otherChecks(diff.removedChecks), ...otherChecks(diff.changedChecks)]) {
    changes.push({ kind: 'dropConstraint', name: check.name, type: 'check' });
  }
  for (const changed of Object.values(diff.changedColumns)) {
    // The old values' check goes before the column changes, the new one after.
    if (changed.changedProperties.has('enumItems') && !isNativeEnum(changed.column, options.platform) && (changed.fromColumn.enumItems?.length ?? 0) > 0) {
      changes.push({ kind: 'dropConstraint', name: defaultConstraintName(options.platform, diff.toTable.name, [changed.column.name], 'check'), type: 'check' });
    }
  }
  for (const column of Object.values(diff.removedColumns)) changes.push({ kind: 'dropColumn', column: column.name });
  for (const [oldName, column] of Object.entries(diff.renamedColumns)) changes.push({ kind: 'alterColumn', column: oldName, changes: { name: column.name } });
  for (const column of Object.values(diff.addedColumns)) changes.push({ kind: 'addColumn', column: columnOf(diff.toTable.name, column, options) });
  for (const changed of Object.values(diff.changedColumns)) {
    const properties = new Set(changed.changedProperties);
    // An enum without a native type keeps its values in a check: the check changes, not the column.
    if (!isNativeEnum(changed.column, options.platform)) properties.delete('enumItems');
    const alteration = columnChanges(diff.toTable.name, changed.column, properties, options);
    if (alteration !== undefined) changes.push({ kind: 'alterColumn', column: changed.oldColumnName, changes: alteration });
  }
  for (const index of [...Object.values(diff.addedIndexes), ...Object.values(diff.changedIndexes)]) {
    if (index.primary) throw new Unsupported(`it changes the primary key of ${diff.name}`);
    const { indexes, uniques } = indexesOf([index]);
    for (const unique of uniques) changes.push({ kind: 'addUnique', unique });
    for (const added of indexes) changes.push({ kind: 'createIndex', index: added, concurrently: false, ifNotExists: false });
  }
  for (const check of [...otherChecks(diff.addedChecks), ...otherChecks(diff.changedChecks)]) changes.push({ kind: 'addCheck', check: checkOf(check) });
  for (const check of enumChecks(diff.toTable.name, enumColumns, options)) changes.push({ kind: 'addCheck', check });
  for (const key of [...Object.values(diff.addedForeignKeys), ...Object.values(diff.changedForeignKeys)]) {
    changes.push({ kind: 'addForeignKey', foreignKey: foreignKey(key, options.platform) });
  }
  if (changes.length === 0) return undefined;
  return { kind: 'alterTable', table: tableName(diff.toTable, options.platform), changes, batch: changes.length > 1 };
}

/** The properties of a changed column that an `alterColumn` can set. */
const ALTERABLE = new Set(['type', 'nullable', 'default', 'comment', 'enumItems', 'length', 'precision', 'scale']);

function columnChanges(table: string, column: Column, changed: ReadonlySet<string>, options: DiffOperationsOptions): AlterColumnChanges | undefined {
  const other = [...changed].filter((property) => !ALTERABLE.has(property));
  if (other.length > 0) throw new Unsupported(`it changes the ${other.join(', ')} of column ${column.name}`);
  const target = columnOf(table, column, options);
  let changes: Record<string, unknown> = {};
  if (['type', 'enumItems', 'length', 'precision', 'scale'].some((property) => changed.has(property))) {
    const { type, length, precision, scale, timezone, values, enumName, nativeType } = target;
    changes = { type, length, precision, scale, timezone, values, enumName, nativeType };
  }
  if (changed.has('nullable')) changes['nullable'] = column.nullable === true;
  if (changed.has('default')) changes['default'] = target.default ?? null;
  if (changed.has('comment')) changes['comment'] = target.comment ?? null;
  const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  return Object.keys(defined).length === 0 ? undefined : (defined as AlterColumnChanges);
}

/** The MikroORM type classes of entity properties, by the portable type they stand for. */
const PORTABLE_BY_MAPPED_TYPE: Readonly<Record<string, PortableColumnType>> = {
  IntegerType: 'integer',
  MediumIntType: 'integer',
  SmallIntType: 'smallint',
  TinyIntType: 'smallint',
  BigIntType: 'bigint',
  DecimalType: 'decimal',
  FloatType: 'float',
  DoubleType: 'double',
  BooleanType: 'boolean',
  StringType: 'string',
  CharacterType: 'string',
  TextType: 'text',
  UuidType: 'uuid',
  JsonType: 'json',
  DateType: 'date',
  TimeType: 'time',
  DateTimeType: 'datetime',
  BlobType: 'blob',
  Uint8ArrayType: 'blob',
};

/**
 * A column as a portable one: the type of its MikroORM mapped type (the entity property's
 * meaning) where there is one, else the closest to its SQL type; `nativeType` for the
 * compared dialect when the column's SQL type there is not the portable type's.
 */
function columnOf(table: string, column: Column, options: DiffOperationsOptions): NamedColumn {
  const { dialect, platform } = options;
  const nativeEnum = isNativeEnum(column, platform);
  const property = options.property?.(table, column.name);
  const type: PortableColumnType = nativeEnum ? 'enum' : (propertyType(property, column) ?? mappedPortableType(column));
  const length = type === 'string' ? (column.length ?? declaredLength(column.type)) : undefined;
  const [declaredPrecision, declaredScale] = declaredNumbers(column.type);
  const portable: NamedColumn = {
    name: column.name,
    type,
    length,
    precision: type === 'decimal' ? (column.precision ?? declaredPrecision) : undefined,
    scale: type === 'decimal' ? (column.scale ?? declaredScale) : undefined,
    timezone: timeZoned(type, column, property, platform) ? true : undefined,
    values: nativeEnum ? [...(column.enumItems ?? [])] : undefined,
    enumName: nativeEnum ? column.nativeEnumName : undefined,
  };
  const compiled = dialectColumnType(portable, dialect, platform, column.name).sql;
  const nativeType = nativeEnum || sameType(compiled, column.type) ? undefined : { [dialect]: column.type };
  return {
    ...portable,
    nativeType,
    nullable: column.nullable === true ? undefined : false,
    default: column.default === undefined || column.default === null ? undefined : defaultOf(column.default, type),
    autoincrement: column.autoincrement === true ? true : undefined,
    comment: column.comment === undefined || column.comment === '' ? undefined : column.comment,
  };
}

/** The portable type of an entity property, from what its type names; `undefined` when it names none. */
function propertyType(property: EntityProperty | undefined, column: Column): PortableColumnType | undefined {
  if (property === undefined) return undefined;
  if (property.kind !== 'scalar') {
    // A relation's column has the type of the key it references.
    const key = property.targetMeta?.getPrimaryProps()[0];
    return key === undefined || key === property ? undefined : propertyType(key, column);
  }
  if (property.enum === true) return /char/i.test(column.type) ? 'string' : 'text';
  const named = String(property.customType?.constructor?.name ?? property.type ?? '').toLowerCase().replace(/type$/, '');
  return PORTABLE_BY_PROPERTY_TYPE[named];
}

/** Portable types by the type an entity property declares (`p.string()` is `string`, `p.double()` is `DoubleType`). */
const PORTABLE_BY_PROPERTY_TYPE: Readonly<Record<string, PortableColumnType>> = {
  integer: 'integer',
  int: 'integer',
  number: 'integer',
  mediumint: 'integer',
  smallint: 'smallint',
  tinyint: 'smallint',
  bigint: 'bigint',
  decimal: 'decimal',
  float: 'float',
  double: 'double',
  boolean: 'boolean',
  string: 'string',
  character: 'string',
  text: 'text',
  uuid: 'uuid',
  json: 'json',
  date: 'datetime',
  datetime: 'datetime',
  time: 'time',
  blob: 'blob',
  uint8array: 'blob',
  buffer: 'blob',
};

/** The portable type of a column's MikroORM mapped type, else the closest to its SQL type. */
function mappedPortableType(column: Column): PortableColumnType {
  return PORTABLE_BY_MAPPED_TYPE[column.mappedType?.constructor?.name ?? ''] ?? portableType(column.type);
}

/**
 * Whether a timestamp keeps its time zone. MikroORM's own datetime type is one that does
 * where the dialect tells them apart (`timestamptz` on PostgreSQL); a type the entity spells
 * (`timestamp`) or a database reports says it itself.
 */
function timeZoned(type: PortableColumnType, column: Column, property: EntityProperty | undefined, platform: AbstractSqlPlatform): boolean {
  if (type !== 'datetime' && type !== 'time') return false;
  if (/tz\b|with time zone/i.test(column.type)) return true;
  if (type === 'time' || property === undefined) return false;
  return sameType(column.type.replace(/\(\d+\)$/, ''), platform.getDateTimeTypeDeclarationSQL({}).replace(/\(\d+\)$/, ''));
}

function isNativeEnum(column: Column, platform: AbstractSqlPlatform): boolean {
  return column.nativeEnumName !== undefined && column.nativeEnumName !== '' && platform.supportsNativeEnums();
}

function sameType(a: string, b: string): boolean {
  const normal = (type: string): string => type.toLowerCase().replace(/\s+/g, ' ').replace(/\s*([(),])\s*/g, '$1').trim();
  return normal(a) === normal(b);
}

function declaredLength(type: string): number | undefined {
  const match = /\(\s*(\d+)\s*\)/.exec(type);
  return match === null ? undefined : Number(match[1]);
}

function declaredNumbers(type: string): [number | undefined, number | undefined] {
  const match = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(type);
  return match === null ? [undefined, undefined] : [Number(match[1]), match[2] === undefined ? undefined : Number(match[2])];
}

/**
 * A default as portable data where it is a plain literal (a number, a quoted string, a
 * boolean of a boolean column), so that each dialect writes it its own way; otherwise the
 * SQL expression as MikroORM wrote it.
 */
function defaultOf(sql: string, type: PortableColumnType): ColumnDefault {
  const text = sql.trim();
  if (type === 'boolean') {
    if (/^(true|1|'1'|'true')$/i.test(text)) return true;
    if (/^(false|0|'0'|'false')$/i.test(text)) return false;
  }
  if (/^-?\d+(\.\d+)?$/.test(text) && type !== 'string' && type !== 'text') return Number(text);
  const quoted = /^'((?:[^']|'')*)'$/.exec(text);
  if (quoted !== null) return quoted[1]!.replaceAll("''", "'");
  return { sql: text };
}

/** Unique indexes and constraints as `uniques`, the other indexes as `indexes`. */
function indexesOf(indexes: readonly IndexDef[]): { indexes: IndexDefinition[]; uniques: UniqueDefinition[] } {
  const plain: IndexDefinition[] = [];
  const uniques: UniqueDefinition[] = [];
  for (const index of indexes) {
    if (index.expression !== undefined || index.columns !== undefined || index.type !== undefined || (index.include?.length ?? 0) > 0) {
      throw new Unsupported(`index ${index.keyName} has an expression or options no operation spells`);
    }
    if (index.unique && index.where === undefined) uniques.push({ name: index.keyName, columns: [...index.columnNames] });
    else plain.push({ name: index.keyName, columns: [...index.columnNames], unique: index.unique, where: index.where });
  }
  return { indexes: plain, uniques };
}

function checkOf(check: { name: string; expression: unknown; definition?: string }): CheckDefinition {
  if (typeof check.expression !== 'string') throw new Unsupported(`check ${check.name} is not an SQL expression`);
  return { name: check.name, expression: check.expression };
}

function foreignKey(key: ForeignKey, platform: AbstractSqlPlatform): ForeignKeyDefinition {
  return {
    name: key.constraintName,
    columns: [...key.columnNames],
    referencedTable: nameOf(key.referencedTableName, platform),
    referencedColumns: [...key.referencedColumnNames],
    onDelete: referentialAction(key.deleteRule),
    onUpdate: referentialAction(key.updateRule),
  };
}

function tableName(table: DatabaseTable, platform: AbstractSqlPlatform): QualifiedName {
  const schema = table.schema === undefined || table.schema === '' || table.schema === platform.getDefaultSchemaName() ? undefined : table.schema;
  return { name: table.name, schema };
}

function nameOf(qualified: string, platform: AbstractSqlPlatform): QualifiedName {
  const dot = qualified.lastIndexOf('.');
  if (dot === -1) return { name: qualified };
  const schema = qualified.slice(0, dot);
  return { name: qualified.slice(dot + 1), schema: schema === platform.getDefaultSchemaName() ? undefined : schema };
}

function shortName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

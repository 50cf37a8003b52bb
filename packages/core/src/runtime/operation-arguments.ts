/**
 * Checks the arguments of schema operations as a migration wrote them, so that a typo
 * (`type: 'int'`, an enum without values) is an `INVALID_OPERATION` naming the call,
 * not a database error halfway through a migration. Migrations are often plain
 * JavaScript, or TypeScript run without a type check: nothing here trusts the types.
 *
 * @packageDocumentation
 */

import { InvalidOperationError } from '../errors.js';
import {
  PORTABLE_COLUMN_TYPES,
  type AlterColumnChanges,
  type ColumnDefault,
  type ColumnDefinition,
  type ConstraintType,
  type IndexKey,
  type PortableColumnType,
  type ReferentialAction,
} from '../operations/schema-operation.js';

const REFERENTIAL_ACTIONS: readonly ReferentialAction[] = ['cascade', 'set null', 'set default', 'restrict', 'no action'];
const CONSTRAINT_TYPES: readonly ConstraintType[] = ['foreignKey', 'unique', 'check', 'primaryKey'];
const INTEGER_TYPES: readonly PortableColumnType[] = ['integer', 'bigint', 'smallint'];

/** Throws {@link InvalidOperationError} for `call` with `problem`. */
export function invalid(call: string, problem: string): never {
  throw new InvalidOperationError(call, problem);
}

/** A non-empty string, or the error naming what it is. */
export function requireName(call: string, what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(call, `${what} must be a non-empty string (got ${describe(value)})`);
  return value;
}

/** An optional schema name. */
export function optionalSchema(call: string, value: unknown): string | undefined {
  return value === undefined ? undefined : requireName(call, 'schema', value);
}

/** A non-empty list of names. */
export function requireNames(call: string, what: string, value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0) invalid(call, `${what} must be a non-empty array of names (got ${describe(value)})`);
  value.forEach((name, position) => requireName(call, `${what}[${position}]`, name));
  if (new Set(value).size !== value.length) invalid(call, `${what} names a column twice`);
  return value as readonly string[];
}

/** A non-empty list of index keys: names or `{ sql }` expressions. */
export function requireIndexKeys(call: string, value: unknown): readonly IndexKey[] {
  if (!Array.isArray(value) || value.length === 0) invalid(call, `columns must be a non-empty array (got ${describe(value)})`);
  value.forEach((key: unknown, position) => {
    if (typeof key === 'string') requireName(call, `columns[${position}]`, key);
    else if (!isSqlExpression(key)) invalid(call, `columns[${position}] must be a column name or { sql: '…' } (got ${describe(key)})`);
  });
  return value as readonly IndexKey[];
}

/** An optional SQL condition (a partial index's `where`, a check's expression). */
export function optionalSql(call: string, what: string, value: unknown): string | undefined {
  return value === undefined ? undefined : requireName(call, what, value);
}

/** An optional boolean. */
export function optionalFlag(call: string, what: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') invalid(call, `${what} must be true or false (got ${describe(value)})`);
  return value;
}

/** An optional referential action. */
export function optionalAction(call: string, what: string, value: unknown): ReferentialAction | undefined {
  if (value === undefined) return undefined;
  if (!REFERENTIAL_ACTIONS.includes(value as ReferentialAction)) {
    invalid(call, `${what} must be one of ${REFERENTIAL_ACTIONS.map((action) => `'${action}'`).join(', ')} (got ${describe(value)})`);
  }
  return value as ReferentialAction;
}

/** A constraint type of `dropConstraint`. */
export function requireConstraintType(call: string, value: unknown): ConstraintType {
  if (!CONSTRAINT_TYPES.includes(value as ConstraintType)) {
    invalid(call, `type must be one of ${CONSTRAINT_TYPES.map((type) => `'${type}'`).join(', ')} (got ${describe(value)})`);
  }
  return value as ConstraintType;
}

/**
 * Checks a column definition and returns it with the defaults that make it explicit
 * (`nullable` false for a primary-key column).
 */
export function checkColumnDefinition(call: string, column: string, value: unknown): ColumnDefinition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(call, `column "${column}" must be an object such as { type: 'integer' } (got ${describe(value)})`);
  }
  const definition = value as ColumnDefinition;
  checkType(call, `column "${column}"`, definition.type, definition);
  const primaryKey = optionalFlag(call, `column "${column}": primaryKey`, definition.primaryKey);
  const nullable = optionalFlag(call, `column "${column}": nullable`, definition.nullable);
  const autoincrement = optionalFlag(call, `column "${column}": autoincrement`, definition.autoincrement);
  optionalFlag(call, `column "${column}": unique`, definition.unique);
  if (primaryKey === true && nullable === true) invalid(call, `column "${column}" is a primary key and so cannot be nullable`);
  if (autoincrement === true && !(primaryKey === true && INTEGER_TYPES.includes(definition.type))) {
    invalid(call, `column "${column}": autoincrement needs an integer, bigint or smallint primary-key column`);
  }
  if (definition.default !== undefined) checkDefault(call, `column "${column}": default`, definition.default);
  if (definition.comment !== undefined && typeof definition.comment !== 'string') {
    invalid(call, `column "${column}": comment must be a string`);
  }
  if (definition.references !== undefined) {
    const reference = definition.references;
    if (typeof reference !== 'object' || reference === null) invalid(call, `column "${column}": references must be { table, column }`);
    requireName(call, `column "${column}": references.table`, reference.table);
    requireName(call, `column "${column}": references.column`, reference.column);
    optionalSchema(call, reference.schema);
    if (reference.name !== undefined) requireName(call, `column "${column}": references.name`, reference.name);
    optionalAction(call, `column "${column}": references.onDelete`, reference.onDelete);
    optionalAction(call, `column "${column}": references.onUpdate`, reference.onUpdate);
  }
  return primaryKey === true && nullable === undefined ? { ...definition, nullable: false } : definition;
}

/** Checks the changes of `alterColumn`: at least one, each well formed. */
export function checkAlterChanges(call: string, value: unknown): AlterColumnChanges {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalid(call, `changes must be an object such as { nullable: false } (got ${describe(value)})`);
  }
  const changes = value as AlterColumnChanges;
  const known = ['type', 'length', 'precision', 'scale', 'timezone', 'values', 'enumName', 'nativeType', 'nullable', 'default', 'name', 'comment'];
  const unknown = Object.keys(changes).filter((key) => !known.includes(key));
  if (unknown.length > 0) invalid(call, `unknown change ${unknown.map((key) => `"${key}"`).join(', ')} (known: ${known.join(', ')})`);
  if (Object.values(changes).every((change) => change === undefined)) invalid(call, 'changes name nothing to change');
  const typeParameters = ['length', 'precision', 'scale', 'timezone', 'values', 'enumName', 'nativeType'] as const;
  if (changes.type === undefined) {
    const stray = typeParameters.filter((key) => changes[key] !== undefined);
    if (stray.length > 0) invalid(call, `${stray.join(', ')} change the type: give the new type too (type: '…')`);
  } else {
    checkType(call, 'changes', changes.type, changes);
  }
  optionalFlag(call, 'nullable', changes.nullable);
  if (changes.default !== undefined && changes.default !== null) checkDefault(call, 'default', changes.default);
  if (changes.name !== undefined) requireName(call, 'name', changes.name);
  if (changes.comment !== undefined && changes.comment !== null && typeof changes.comment !== 'string') {
    invalid(call, 'comment must be a string or null');
  }
  return changes;
}

function checkType(
  call: string,
  where: string,
  type: unknown,
  parameters: Pick<ColumnDefinition, 'length' | 'precision' | 'scale' | 'timezone' | 'values' | 'enumName' | 'nativeType'>,
): void {
  if (!PORTABLE_COLUMN_TYPES.includes(type as PortableColumnType)) {
    invalid(
      call,
      `${where}: type ${describe(type)} is not a portable type (one of ${PORTABLE_COLUMN_TYPES.join(', ')}; ` +
        `for another type use nativeType: { <dialect>: '…' } next to the closest portable one)`,
    );
  }
  for (const key of ['length', 'precision', 'scale'] as const) {
    const number = parameters[key];
    if (number !== undefined && !(Number.isInteger(number) && number >= 0)) invalid(call, `${where}: ${key} must be a whole number ≥ 0`);
  }
  if (parameters.length !== undefined && type !== 'string') invalid(call, `${where}: length applies to type 'string' only`);
  if (parameters.scale !== undefined && type !== 'decimal') invalid(call, `${where}: scale applies to type 'decimal' only`);
  if (parameters.timezone !== undefined && type !== 'datetime' && type !== 'time') {
    invalid(call, `${where}: timezone applies to types 'datetime' and 'time' only`);
  }
  if (type === 'enum') {
    const values = parameters.values;
    if (!Array.isArray(values) || values.length === 0 || !values.every((item) => typeof item === 'string')) {
      invalid(call, `${where}: an enum needs values, a non-empty array of strings`);
    }
    if (new Set(values).size !== values.length) invalid(call, `${where}: an enum's values must differ`);
    if (parameters.enumName !== undefined) requireName(call, `${where}: enumName`, parameters.enumName);
  } else if (parameters.values !== undefined || parameters.enumName !== undefined) {
    invalid(call, `${where}: values and enumName apply to type 'enum' only`);
  }
  if (parameters.nativeType !== undefined) {
    const native = parameters.nativeType;
    if (typeof native !== 'object' || native === null || Array.isArray(native)) invalid(call, `${where}: nativeType must be { <dialect>: '<type>' }`);
    for (const [dialect, spelled] of Object.entries(native)) requireName(call, `${where}: nativeType.${dialect}`, spelled);
  }
}

function checkDefault(call: string, where: string, value: unknown): ColumnDefault {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (isSqlExpression(value)) return value;
  return invalid(call, `${where} must be a string, a finite number, a boolean or { sql: '…' } (got ${describe(value)})`);
}

function isSqlExpression(value: unknown): value is { sql: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { sql?: unknown }).sql === 'string' &&
    (value as { sql: string }).sql.trim() !== '' &&
    Object.keys(value).length === 1
  );
}

/** A short, credential-free picture of a value for a message. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

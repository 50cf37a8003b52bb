/**
 * What changing a column's type does on PostgreSQL: whether it rewrites the table, and
 * whether the new type is narrower than the old one. The rewrite rules are the server's
 * (`ATColumnChangeRequiresRewrite`: a binary-coercible change, or a length or precision
 * the type's support function proves needs no check, keeps the table as it is), checked
 * against PostgreSQL 15 in this package's integration tests.
 *
 * @packageDocumentation
 */

import type { TypeName } from 'libpg-query';

import { constantOf, stringsOf } from './pg-tree.js';

/** A column type as the parser reads it. */
export interface ColumnType {
  /** The type's own name, without `pg_catalog`: `int4`, `varchar`, `numeric`, `timestamptz`, `citext`. */
  readonly name: string;
  /** Its modifiers (`varchar(20)` → `[20]`, `numeric(10, 2)` → `[10, 2]`); empty when none. */
  readonly modifiers: readonly number[];
  /** Whether it is an array of that type. */
  readonly array: boolean;
}

/** The type a `TypeName` node names; undefined for `%TYPE` references and modifiers that are not numbers. */
export function columnTypeOf(typeName: TypeName | undefined): ColumnType | undefined {
  if (typeName === undefined || typeName.pct_type === true) return undefined;
  const name = stringsOf(typeName.names).pop();
  if (name === undefined) return undefined;
  const modifiers: number[] = [];
  for (const modifier of typeName.typmods ?? []) {
    const value = constantOf(modifier);
    if (typeof value !== 'number') return undefined;
    modifiers.push(value);
  }
  return { name, modifiers, array: (typeName.arrayBounds?.length ?? 0) > 0 };
}

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bpchar: 'char',
  bool: 'boolean',
  varbit: 'varbit',
};

/** A type as a message prints it: `varchar(20)`, `numeric(10,2)`, `bigint`, `integer[]`. */
export function displayType(type: ColumnType): string {
  const modifiers = type.name === 'interval' ? type.modifiers.slice(1) : type.modifiers;
  return `${DISPLAY_NAMES[type.name] ?? type.name}${modifiers.length > 0 ? `(${modifiers.join(',')})` : ''}${type.array ? '[]' : ''}`;
}

/** The serial pseudo-types: an integer column whose default is `nextval` of a sequence made for it. */
export const SERIAL_TYPES: ReadonlySet<string> = new Set(['serial', 'serial4', 'bigserial', 'serial8', 'smallserial', 'serial2']);

/** What a type change does to the table and its values. */
export interface TypeChange {
  /** The table and its indexes are rewritten under ACCESS EXCLUSIVE. */
  readonly rewrites: boolean;
  /** Why the rewrite might not happen after all, when the server's settings decide it. */
  readonly rewriteCondition?: string | undefined;
  /**
   * How the new type is narrower, when it is, said of the new type (`is shorter`, `holds
   * smaller numbers`): values that do not fit fail or lose digits.
   */
  readonly narrows?: string | undefined;
}

const INTEGER_WIDTH: Readonly<Record<string, number>> = { int2: 2, int4: 4, int8: 8 };
const FLOAT_WIDTH: Readonly<Record<string, number>> = { float4: 4, float8: 8 };
/** Types whose only modifier is a precision, where more (or none) needs no rewrite. */
const PRECISION_TYPES: ReadonlySet<string> = new Set(['timestamp', 'timestamptz', 'time', 'timetz']);
const CHARACTER_TYPES: ReadonlySet<string> = new Set(['text', 'varchar', 'bpchar']);
const TIMESTAMP_TYPES: ReadonlySet<string> = new Set(['timestamp', 'timestamptz']);

/**
 * What changing a column from `from` to `to` does, when the change converts the values
 * the default way (no `USING` expression of its own).
 *
 * ### Examples
 * ```ts
 * typeChange(varchar(20), varchar(40)) // { rewrites: false }
 * typeChange(varchar(40), varchar(20)) // { rewrites: true, narrows: 'is shorter' }
 * typeChange(int4, int8)               // { rewrites: true }
 * ```
 */
export function typeChange(from: ColumnType, to: ColumnType): TypeChange {
  const narrows = narrowing(from, to);
  return { ...rewriting(from, to), ...(narrows === undefined ? {} : { narrows }) };
}

function rewriting(from: ColumnType, to: ColumnType): Pick<TypeChange, 'rewrites' | 'rewriteCondition'> {
  if (from.array !== to.array) return { rewrites: true };
  if (from.name === to.name) {
    if (sameModifiers(from, to)) return { rewrites: false };
    // An array's elements are coerced one by one: only the same element type keeps it.
    if (from.array) return { rewrites: true };
    return { rewrites: !widensModifiers(from, to) };
  }
  if (from.array) return { rewrites: true };
  // Binary-coercible pairs: the bytes stay as they are.
  if (to.name === 'text' && (from.name === 'varchar' || from.name === 'xml')) return { rewrites: false };
  if (to.name === 'varchar' && from.name === 'text') return { rewrites: to.modifiers.length > 0 };
  if (to.name === 'inet' && from.name === 'cidr') return { rewrites: false };
  if (TIMESTAMP_TYPES.has(from.name) && TIMESTAMP_TYPES.has(to.name)) {
    return { rewrites: true, rewriteCondition: 'unless the session time zone is UTC (PostgreSQL 12+)' };
  }
  return { rewrites: true };
}

/** Same name, other modifiers: whether the new ones only allow more (the type's support function then skips the rewrite). */
function widensModifiers(from: ColumnType, to: ColumnType): boolean {
  const [fromFirst, fromSecond] = from.modifiers;
  const [toFirst, toSecond] = to.modifiers;
  switch (to.name) {
    case 'varchar':
    case 'varbit':
      return toFirst === undefined || (fromFirst !== undefined && toFirst >= fromFirst);
    case 'numeric':
      // numeric(p) has scale 0; a larger precision at the same scale keeps every value's bytes.
      return toFirst === undefined || (fromFirst !== undefined && (toSecond ?? 0) === (fromSecond ?? 0) && toFirst >= fromFirst);
    case 'interval':
      // interval(range, precision): the same fields with more precision.
      return toFirst === undefined || (fromFirst === toFirst && (toSecond === undefined || (fromSecond !== undefined && toSecond >= fromSecond)));
    default:
      if (PRECISION_TYPES.has(to.name)) return toFirst === undefined || (fromFirst !== undefined && toFirst >= fromFirst);
      return false;
  }
}

function sameModifiers(from: ColumnType, to: ColumnType): boolean {
  return from.modifiers.length === to.modifiers.length && from.modifiers.every((value, index) => value === to.modifiers[index]);
}

/** How `to` is narrower than `from`, or undefined when every value of `from` fits `to`. */
function narrowing(from: ColumnType, to: ColumnType): string | undefined {
  if (from.array !== to.array) return undefined;
  const shorter = 'is shorter';
  const [fromFirst, fromSecond] = from.modifiers;
  const [toFirst, toSecond] = to.modifiers;
  if (CHARACTER_TYPES.has(to.name) && to.name !== 'text' && toFirst !== undefined && CHARACTER_TYPES.has(from.name)) {
    if (fromFirst === undefined || from.name === 'text') return shorter;
    if (toFirst < fromFirst) return shorter;
    return undefined;
  }
  if (from.name === to.name) {
    if (to.name === 'varbit' && toFirst !== undefined && (fromFirst === undefined || toFirst < fromFirst)) return shorter;
    if (to.name === 'numeric' && toFirst !== undefined) {
      if (fromFirst === undefined) return 'limits the digits';
      const fromScale = fromSecond ?? 0;
      const toScale = toSecond ?? 0;
      if (toScale < fromScale) return 'keeps fewer decimals';
      if (toFirst - toScale < fromFirst - fromScale) return 'holds fewer digits before the point';
      return undefined;
    }
    if (PRECISION_TYPES.has(to.name) && toFirst !== undefined && (fromFirst === undefined || toFirst < fromFirst)) {
      return 'keeps less of the fraction of a second';
    }
    return undefined;
  }
  const fromInteger = INTEGER_WIDTH[from.name];
  const toInteger = INTEGER_WIDTH[to.name];
  if (toInteger !== undefined) {
    if (fromInteger !== undefined) return toInteger < fromInteger ? 'holds smaller numbers' : undefined;
    if (from.name === 'numeric' || FLOAT_WIDTH[from.name] !== undefined) return 'drops the fractions';
    return undefined;
  }
  const fromFloat = FLOAT_WIDTH[from.name];
  const toFloat = FLOAT_WIDTH[to.name];
  if (toFloat !== undefined && fromFloat !== undefined && toFloat < fromFloat) return 'keeps fewer digits';
  if (to.name === 'date' && TIMESTAMP_TYPES.has(from.name)) return 'drops the time of day';
  return undefined;
}

/**
 * Whether a change to `to` from a type the lint does not know could keep the table: some
 * other type (or the same one with a smaller length or precision) converts to it without
 * a rewrite. `varchar(40)` could be a longer `varchar`; `bigint` is never reached without one.
 */
export function mayKeepTable(to: ColumnType): boolean {
  if (to.array) return false;
  return (
    to.name === 'text' ||
    to.name === 'varchar' ||
    to.name === 'varbit' ||
    to.name === 'numeric' ||
    to.name === 'interval' ||
    to.name === 'inet' ||
    PRECISION_TYPES.has(to.name)
  );
}

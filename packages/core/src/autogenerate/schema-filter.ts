import type { VersionTableLocation } from '../adapter/dialect-adapter.js';
import type { SchemaObjectFilter, SchemaObjectRef } from '../adapter/schema-change.js';

/**
 * Which tables autogenerate and `check` compare, like Alembic's `include_name` and
 * `include_object`. The version and audit tables are always left out.
 */
export interface SchemaFilterOptions {
  /** Compare only these tables and views (`name`, or `schema.name`). Default: every one. */
  readonly includeTables?: readonly string[] | undefined;
  /** Never compare these tables and views (`name`, or `schema.name`). */
  readonly excludeTables?: readonly string[] | undefined;
  /** Decides per object, after the lists; `false` leaves it out on both sides. */
  readonly includeObject?: SchemaObjectFilter | undefined;
}

/**
 * The filter a comparison runs with: never core's own tables, then the user's lists,
 * then the user's function.
 *
 * ### Examples
 * ```ts
 * const include = schemaFilter([{ name: 'alembic_version' }], { excludeTables: ['legacy_users'] });
 * include({ type: 'table', name: 'alembic_version', schema: undefined }, 'database'); // false
 * ```
 */
export function schemaFilter(ownTables: readonly VersionTableLocation[], options: SchemaFilterOptions = {}): SchemaObjectFilter {
  const included = options.includeTables && options.includeTables.length > 0 ? options.includeTables : undefined;
  const excluded = options.excludeTables ?? [];
  return (object, source) => {
    if (ownTables.some((own) => isOwnTable(own, object))) return false;
    if (included && !included.some((name) => matches(name, object))) return false;
    if (excluded.some((name) => matches(name, object))) return false;
    return options.includeObject ? options.includeObject(object, source) : true;
  };
}

function isOwnTable(own: VersionTableLocation, object: SchemaObjectRef): boolean {
  if (object.type !== 'table' || object.name !== own.name) return false;
  return own.schema === undefined || object.schema === undefined || own.schema === object.schema;
}

function matches(name: string, object: SchemaObjectRef): boolean {
  return name === object.name || (object.schema !== undefined && name === `${object.schema}.${object.name}`);
}

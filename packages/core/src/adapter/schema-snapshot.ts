/**
 * Schema snapshots made of catalog rows: what an adapter's {@link SchemaDiffer.snapshot}
 * reads in one query (SQLite's `sqlite_master`, PostgreSQL's catalogs), kept as rows with
 * one exact fingerprint, so that two snapshots of the same schema compare with one
 * string comparison. Pure functions of data; an adapter decides what a row holds.
 *
 * @packageDocumentation
 */

import type { SchemaChange, SchemaObjectFilter, SchemaObjectType, SchemaSnapshot } from './schema-change.js';

/** One object of a schema as a catalog lists it. */
export interface CatalogRow {
  /** What it is. */
  readonly object: SchemaObjectType;
  /** Its schema (PostgreSQL); `undefined` in the connection's default schema or where schemas do not exist. */
  readonly schema: string | undefined;
  /** The table or view it belongs to (for a table or view: itself); `undefined` for enums, schemas, functions. */
  readonly table: string | undefined;
  readonly name: string;
  /**
   * Everything that defines it, as one text the database itself writes (its `CREATE`
   * statement, `format_type(…)`, `pg_get_indexdef(…)`): equal texts, equal objects.
   */
  readonly definition: string;
}

/** A {@link SchemaSnapshot} made of {@link CatalogRow}s. */
export interface CatalogSnapshot extends SchemaSnapshot {
  /** The rows, sorted by {@link catalogKey}. */
  readonly rows: readonly CatalogRow[];
  /** Every row's key and definition in one string: equal fingerprints, equal catalogs. */
  readonly fingerprint: string;
}

/**
 * A snapshot of the rows that `include` lets through: a row belonging to a table (or
 * view) is kept when its table is, and so are rows of no table (enum types, schemas,
 * functions).
 *
 * ### Examples
 * ```ts
 * const snapshot = catalogSnapshot(rows, include);
 * snapshot.objects; // ['table users', 'column users.email', …]
 * ```
 */
export function catalogSnapshot(rows: readonly CatalogRow[], include: SchemaObjectFilter): CatalogSnapshot {
  const verdicts = new Map<string, boolean>();
  const views = new Set(rows.filter((row) => row.object === 'view').map((row) => `${row.schema ?? ''}.${row.name}`));
  const kept = rows.filter((row) => {
    if (row.table === undefined) return true;
    const key = `${row.schema ?? ''}.${row.table}`;
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = include({ type: views.has(key) ? 'view' : 'table', name: row.table, schema: row.schema }, 'database');
      verdicts.set(key, verdict);
    }
    return verdict;
  });
  const sorted = kept.map((row) => ({ row, key: catalogKey(row) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    rows: sorted.map((entry) => entry.row),
    fingerprint: sorted.map((entry) => `${entry.key}\u0000${entry.row.definition}`).join('\u0001'),
    objects: topLevel(sorted.map((entry) => entry.row)).map(describeCatalogRow),
  };
}

/** The objects that stand on their own: tables, views, types, schemas, sequences, functions, and a part whose table is not there. */
function topLevel(rows: readonly CatalogRow[]): CatalogRow[] {
  const relations = new Set(rows.filter((row) => row.object === 'table' || row.object === 'view').map((row) => `${row.schema ?? ''}.${row.name}`));
  return rows.filter(
    (row) => row.table === undefined || row.object === 'table' || row.object === 'view' || !relations.has(`${row.schema ?? ''}.${row.table}`),
  );
}

/** The identity of a row: its kind, schema, table and name. */
export function catalogKey(row: CatalogRow): string {
  return `${row.object}\u0000${row.schema ?? ''}\u0000${row.table ?? ''}\u0000${row.name}`;
}

/**
 * What changed from one catalog to the other, row by row: a row only in `after` was
 * added, one only in `before` removed, one whose definition differs changed (its
 * `definition` before and after in `details`). Exact: use it where the database writes
 * each definition in one canonical form.
 *
 * ### Examples
 * ```ts
 * catalogDifference(before, after);
 * // [{ action: 'add', object: 'column', table: 'users', name: 'email', details: [{ property: 'definition', from: undefined, to: 'text' }] }]
 * ```
 */
export function catalogDifference(before: CatalogSnapshot, after: CatalogSnapshot): SchemaChange[] {
  if (before.fingerprint === after.fingerprint) return [];
  const old = new Map(before.rows.map((row) => [catalogKey(row), row]));
  const changes: SchemaChange[] = [];
  for (const row of after.rows) {
    const key = catalogKey(row);
    const was = old.get(key);
    old.delete(key);
    if (was === undefined) changes.push(change('add', row, undefined, row.definition));
    else if (was.definition !== row.definition) changes.push(change('modify', row, was.definition, row.definition));
  }
  for (const row of old.values()) changes.push(change('remove', row, row.definition, undefined));
  return changes;
}

function change(action: SchemaChange['action'], row: CatalogRow, from: string | undefined, to: string | undefined): SchemaChange {
  const table = row.object === 'table' || row.object === 'view' || row.table === undefined ? undefined : qualified(row.schema, row.table);
  return {
    action,
    object: row.object,
    name: row.object === 'table' || row.object === 'view' || row.table === undefined ? qualified(row.schema, row.name) : row.name,
    ...(table === undefined ? {} : { table }),
    details: [{ property: 'definition', from, to }],
  };
}

/** One line for a row: `table users`, `column users.email`, `index users_email_idx on users`. */
export function describeCatalogRow(row: CatalogRow): string {
  const kind = row.object === 'enum' ? 'enum type' : row.object.replace('_', ' ');
  if (row.table === undefined || row.object === 'table' || row.object === 'view') return `${kind} ${qualified(row.schema, row.name)}`;
  if (row.object === 'column') return `column ${qualified(row.schema, row.table)}.${row.name}`;
  return `${kind} ${row.name} on ${qualified(row.schema, row.table)}`;
}

function qualified(schema: string | undefined, name: string): string {
  return schema === undefined ? name : `${schema}.${name}`;
}

/**
 * Completes the table rebuilds MikroORM writes for what SQLite cannot `ALTER`
 * (create `<table>__temp_alter`, copy the rows, drop the table, rename the copy),
 * following SQLite's own procedure (https://www.sqlite.org/lang_altertable.html#otheralter):
 *
 * - views and triggers of other tables that name a rebuilt table are dropped before
 *   and recreated after, from their SQL in `sqlite_master` (SQLite checks the whole
 *   schema when the copy is renamed, and fails on a view or trigger that names a
 *   table that is missing at that moment);
 * - rows that could not be copied fail first, with a message that says why (a new
 *   `NOT NULL` column without a default on a table with rows, a column made
 *   `NOT NULL` that holds NULLs);
 * - foreign keys are checked before the transaction commits (step 10,
 *   `PRAGMA foreign_key_check`), for the rebuilt tables as children and as parents.
 *
 * The indexes and triggers declared by the entities are recreated by MikroORM itself
 * (it writes the rebuilt table's full `CREATE TABLE`, indexes and triggers).
 *
 * @packageDocumentation
 */

import type { ComparedColumn, ComparedSchemaDifference, SchemaCheckQuery } from '@cloudguard/migrate-core/adapter';

/** Quotes as MikroORM's statements do, so that the generated file reads alike. */
function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** A view or trigger as `sqlite_master` holds it. */
export interface SchemaDependent {
  readonly type: 'view' | 'trigger';
  readonly name: string;
  /** The table a trigger is on; the view's own name for a view. */
  readonly tableName: string;
  readonly sql: string;
}

/** The query that reads {@link SchemaDependent}s, in creation order. */
export const DEPENDENTS_QUERY =
  "select type, name, tbl_name as tableName, sql from sqlite_master where type in ('view', 'trigger') and sql is not null order by rowid";

const REBUILD = /^create table `(.+)__temp_alter` /;

/** MikroORM's table rebuild toggles foreign keys around it; see {@link withoutForeignKeyPragmas}. */
const FOREIGN_KEYS_PRAGMA = /^pragma foreign_keys\s*=\s*(on|off);?$/i;

/**
 * The statements of a MikroORM rebuild without its `pragma foreign_keys = off/on`:
 * inside the migration's transaction the pragma does nothing (the adapter turns
 * enforcement off around each migration transaction itself when `foreignKeys` is on),
 * and outside one (a `transactional: false` migration) its `on` would turn on the
 * foreign keys this adapter keeps off by default.
 */
export function withoutForeignKeyPragmas(statements: readonly string[]): string[] {
  return statements.filter((statement) => !FOREIGN_KEYS_PRAGMA.test(statement.trim()));
}

/** A rebuild of one direction, completed. */
export interface CompletedRebuild {
  readonly statements: readonly string[];
  readonly checks: readonly SchemaCheckQuery[];
  /** Review notes (only for `up`). */
  readonly notes: readonly string[];
}

/** The tables a script rebuilds, in order. */
export function rebuiltTables(statements: readonly string[]): string[] {
  return statements.flatMap((statement) => {
    const table = REBUILD.exec(statement)?.[1];
    return table === undefined ? [] : [table];
  });
}

/**
 * Wraps a direction's statements: views and triggers naming a rebuilt table dropped
 * before and recreated after, the copy's preconditions checked first, foreign keys
 * checked last. Statements without a rebuild come back unchanged.
 *
 * @param diff the comparison of this direction (the database before → after).
 * @param dependents every view and trigger of the database (see {@link DEPENDENTS_QUERY}).
 */
export function completeRebuilds(
  statements: readonly string[],
  diff: ComparedSchemaDifference,
  dependents: readonly SchemaDependent[],
): CompletedRebuild {
  const tables = rebuiltTables(statements);
  if (tables.length === 0) return { statements, checks: [], notes: [] };

  const affected = affectedDependents(tables, statements, dependents);
  const preconditions = tables.flatMap((table) => copyPreconditions(table, diff));
  return {
    statements: aroundDependents(statements, affected, []),
    checks: [...preconditions.map(({ check }) => check), foreignKeyCheck(tables)],
    notes: [
      ...tables.map(
        (table) =>
          `Table '${table}' is rebuilt, because SQLite cannot ALTER what changed: a new table is created, the rows are ` +
          'copied by column name, the old table is dropped and the new one renamed' +
          (affected.length > 0 ? `; ${describe(affected)} naming it ${affected.length === 1 ? 'is' : 'are'} dropped first and recreated after` : '') +
          '. The foreign keys of the rows are checked before the migration commits.',
      ),
      ...preconditions.flatMap(({ note }) => (note === undefined ? [] : [note])),
    ],
  };
}

/**
 * The rebuild of one table for a schema operation, completed as {@link completeRebuilds}
 * completes autogenerate's: views and triggers of other tables naming it dropped before
 * and recreated after, and the foreign keys checked last. The table's own triggers,
 * which the drop of the old table takes with it, are recreated after the copy too (a
 * description of the table, unlike entities, does not hold them).
 *
 * @param preconditions checks of the copy, run before it.
 */
export function completeTableRebuild(
  table: string,
  statements: readonly string[],
  dependents: readonly SchemaDependent[],
  preconditions: readonly SchemaCheckQuery[],
): { readonly statements: readonly string[]; readonly checks: readonly SchemaCheckQuery[] } {
  const own = dependents.filter((dependent) => dependent.type === 'trigger' && dependent.tableName.toLowerCase() === table.toLowerCase());
  return {
    statements: aroundDependents(statements, affectedDependents([table], statements, dependents), own),
    checks: [...preconditions, foreignKeyCheck([table])],
  };
}

/** The statements with the affected dependents dropped before (last made, first dropped) and all recreated after. */
function aroundDependents(statements: readonly string[], affected: readonly SchemaDependent[], recreatedOnly: readonly SchemaDependent[]): string[] {
  const drops = [...affected].reverse().map((dependent) => `drop ${dependent.type} if exists ${quoteIdentifier(dependent.name)}`);
  return [...drops, ...statements, ...recreatedOnly.map((dependent) => dependent.sql), ...affected.map((dependent) => dependent.sql)];
}

/** Views naming a rebuilt table (and views naming those), and triggers of other tables naming one. */
function affectedDependents(tables: readonly string[], statements: readonly string[], dependents: readonly SchemaDependent[]): SchemaDependent[] {
  const touched = new Set(tables.map((table) => table.toLowerCase()));
  const affected = new Set<SchemaDependent>();
  // A view naming a dropped view must go too; views only name earlier objects, so one pass in creation order finds them.
  for (const dependent of dependents) {
    if (handledByScript(dependent, statements)) continue;
    if (dependent.type === 'trigger' && touched.has(dependent.tableName.toLowerCase())) continue;
    if ([...touched].some((name) => namesObject(dependent.sql, name))) {
      affected.add(dependent);
      if (dependent.type === 'view') touched.add(dependent.name.toLowerCase());
    }
  }
  return [...affected];
}

/** A view or trigger the comparison already drops or creates (it is part of the entities' schema). */
function handledByScript(dependent: SchemaDependent, statements: readonly string[]): boolean {
  const name = dependent.name.toLowerCase();
  return statements.some((statement) => {
    const match = /^(?:drop|create)\s+(?:view|trigger)\s+(?:if\s+(?:not\s+)?exists\s+)?[`"[]?([^`"\]\s(]+)/i.exec(statement);
    return match?.[1]?.toLowerCase() === name;
  });
}

/** Whether SQL names an object: as a bare word or quoted in any of SQLite's ways. */
function namesObject(sql: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w$])([\`"[]${escaped}[\`"\\]]|${escaped}(?![\\w$]))`, 'i').test(sql);
}

function describe(dependents: readonly SchemaDependent[]): string {
  return dependents.map((dependent) => `${dependent.type} '${dependent.name}'`).join(', ');
}

/** What makes the copy of a table's rows fail: a check that says so before it runs, and a note for the author. */
function copyPreconditions(table: string, diff: ComparedSchemaDifference): { check: SchemaCheckQuery; note: string | undefined }[] {
  const tableDiff = Object.values(diff.changedTables).find((candidate) => candidate.toTable.name === table);
  if (tableDiff === undefined) return [];
  const quotedTable = quoteIdentifier(table);
  const results: { check: SchemaCheckQuery; note: string | undefined }[] = [];
  for (const column of Object.values(tableDiff.addedColumns)) {
    if (!requiresValue(column)) continue;
    results.push({
      // Core writes the note for every new NOT NULL column without a default; here only the check.
      note: undefined,
      check: {
        when: 'before',
        comment: `The rebuild of '${table}' copies NULL into the new NOT NULL column '${column.name}': it can only run on an empty table.`,
        query: `select count(*) as ${quoteIdentifier('rows')} from ${quotedTable} having count(*) > 0`,
        failure:
          `Cannot rebuild table '${table}': its rows have no value for the new NOT NULL column '${column.name}', which has no ` +
          'default. Edit this migration: give the column a default or fill it in the insert … select, then upgrade again.',
      },
    });
  }
  for (const { column, fromColumn } of Object.values(tableDiff.changedColumns)) {
    if (column.nullable || !fromColumn.nullable) continue;
    const quotedColumn = quoteIdentifier(column.name);
    results.push({
      note: `Column '${table}.${column.name}' becomes NOT NULL: the rebuild fails if a row holds NULL in it; update those rows first.`,
      check: {
        when: 'before',
        comment: `'${table}.${column.name}' becomes NOT NULL: rows holding NULL in it cannot be copied.`,
        query: `select count(*) as ${quoteIdentifier('rows')} from ${quotedTable} where ${quotedColumn} is null having count(*) > 0`,
        failure:
          `Cannot rebuild table '${table}': rows hold NULL in '${column.name}', which becomes NOT NULL. Update them ` +
          `(e.g. in this migration, before the rebuild: update ${quotedTable} set ${quotedColumn} = … where ${quotedColumn} is null), then upgrade again.`,
      },
    });
  }
  return results;
}

function requiresValue(column: ComparedColumn): boolean {
  return !column.nullable && (column.default === undefined || column.default === null) && !column.autoincrement && !column.generated;
}

/** SQLite's step 10: after the rebuilds, no row of or pointing at a rebuilt table may miss its parent. */
function foreignKeyCheck(tables: readonly string[]): SchemaCheckQuery {
  const list = tables.map((table) => `'${table.replaceAll("'", "''")}'`).join(', ');
  return {
    comment: `SQLite table rebuild: every row of, or pointing at, ${tables.map((table) => `'${table}'`).join(', ')} must still find its parent row (PRAGMA foreign_key_check).`,
    query:
      'select `table`, `parent`, count(*) as `rows` from pragma_foreign_key_check ' +
      `where \`table\` in (${list}) or \`parent\` in (${list}) group by \`table\`, \`parent\``,
    failure:
      'Rebuilding left rows whose foreign key points at a missing row (each table below, with its parent and how many rows); ' +
      'nothing was changed. Find them with PRAGMA foreign_key_check, fix the data, then upgrade again:',
  };
}

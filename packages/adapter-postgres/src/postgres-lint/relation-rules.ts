/**
 * The rules on statements that create, drop, empty or rename tables, and on the other
 * statements that lock a table as a whole (triggers, policies, rules).
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';
import type { AlterObjectSchemaStmt, CreateStmt, CreateTableAsStmt, DropStmt, RangeVar, RenameStmt, SelectStmt, TruncateStmt } from 'libpg-query';

import { columnTypeOf } from './column-types.js';
import { lintDropIndex } from './index-rules.js';
import type { PostgresLintRun } from './lint-run.js';
import { nodeAs, qualifiedOf, relationName, sqlIdentifier, sqlName, stringsOf } from './pg-tree.js';

/** `CREATE TABLE`: a table of this migration; `PARTITION OF` locks its parent. */
export function lintCreateTable(statement: CreateStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  if (table === undefined) return;
  run.created(table);
  for (const element of statement.tableElts ?? []) {
    const column = nodeAs(element, 'ColumnDef');
    if (column?.colname !== undefined) run.typed(table, column.colname, columnTypeOf(column.typeName));
  }
  const parent = statement.partbound === undefined ? undefined : relationName(nodeAs(statement.inhRelations?.[0], 'RangeVar'));
  if (parent !== undefined) {
    run.takesAccessExclusive(`CREATE TABLE ${sqlName(table)} PARTITION OF ${sqlName(parent)}`, [parent]);
    run.changesSchema(parent, `CREATE TABLE ${sqlName(table)} PARTITION OF ${sqlName(parent)}`);
  }
}

/** `CREATE TABLE … AS` and `CREATE MATERIALIZED VIEW`: a table of this migration. */
export function lintCreateTableAs(statement: CreateTableAsStmt, run: PostgresLintRun): void {
  const table = relationName(statement.into?.rel);
  if (table !== undefined) run.created(table);
}

/** `SELECT … INTO`: a table of this migration. */
export function lintSelectInto(statement: SelectStmt, run: PostgresLintRun): void {
  const table = relationName(statement.intoClause?.rel);
  if (table !== undefined) run.created(table);
}

/** `DROP TABLE`, `DROP SCHEMA`, `DROP INDEX`, and drops that lock a table (views, triggers, policies, rules). */
export function lintDrop(statement: DropStmt, run: PostgresLintRun): void {
  const objects = (statement.objects ?? []).map((object) => stringsOf(object));
  const cascade = statement.behavior === 'DROP_CASCADE';
  switch (statement.removeType) {
    case 'OBJECT_TABLE': {
      const tables = objects.flatMap((names) => listOf(qualifiedOf(names)));
      for (const table of tables) {
        run.hit(
          'DROP_TABLE',
          `DROP TABLE ${sqlName(table)} deletes ${sqlName(table)} and all its rows, which the running service may still read: ` +
            'stop using it in one release and drop it in a later one',
          table,
        );
        run.changesSchema(table, `DROP TABLE ${sqlName(table)}`);
      }
      run.takesAccessExclusive(`DROP TABLE ${tables.map(sqlName).join(', ')}`, tables);
      return;
    }
    case 'OBJECT_SCHEMA':
      for (const [schema] of objects) {
        if (schema === undefined) continue;
        run.hit(
          'DROP_SCHEMA',
          cascade
            ? `DROP SCHEMA ${sqlIdentifier(schema)} CASCADE deletes the schema and every table, view and function in it, with their rows`
            : `DROP SCHEMA ${sqlIdentifier(schema)} deletes the schema: it fails unless the schema is empty, and with CASCADE would delete every table in it`,
        );
      }
      return;
    case 'OBJECT_INDEX':
      lintDropIndex(objects.flatMap((names) => listOf(qualifiedOf(names))), statement.concurrent === true, run);
      return;
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_FOREIGN_TABLE': {
      const relations = objects.flatMap((names) => listOf(qualifiedOf(names)));
      run.takesAccessExclusive(`DROP ${statement.removeType === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'VIEW'} ${relations.map(sqlName).join(', ')}`, relations);
      return;
    }
    case 'OBJECT_TRIGGER':
    case 'OBJECT_POLICY':
    case 'OBJECT_RULE': {
      // `DROP TRIGGER tr ON app.scans`: the table is every name but the last.
      const tables = objects.flatMap((names) => listOf(qualifiedOf(names.slice(0, -1))));
      const kind = statement.removeType.slice('OBJECT_'.length);
      for (const table of tables) run.changesSchema(table, `DROP ${kind} on ${sqlName(table)}`);
      run.takesAccessExclusive(`DROP ${kind} on ${tables.map(sqlName).join(', ')}`, tables);
      return;
    }
    default:
      return;
  }
}

/** `TRUNCATE`: every row of each table, under ACCESS EXCLUSIVE. */
export function lintTruncate(statement: TruncateStmt, run: PostgresLintRun): void {
  const tables = (statement.relations ?? []).flatMap((item) => listOf(relationName(nodeAs(item, 'RangeVar'))));
  for (const table of tables) {
    run.hit('TRUNCATE_TABLE', `TRUNCATE ${sqlName(table)} deletes every row of ${sqlName(table)}, under ACCESS EXCLUSIVE`, table);
  }
  run.takesAccessExclusive(`TRUNCATE ${tables.map(sqlName).join(', ')}`, tables);
}

/** `ALTER TABLE … RENAME` of a table or a column; a table created here keeps counting as created under its new name. */
export function lintRename(statement: RenameStmt, run: PostgresLintRun): void {
  const table = relationName(statement.relation);
  const newName = statement.newname;
  if (table === undefined || newName === undefined) return;
  const kind = RELATION_KINDS[statement.renameType ?? ''];
  if (kind !== undefined) {
    const renamed: QualifiedName = table.schema === undefined ? { name: newName } : { name: newName, schema: table.schema };
    const alter = `ALTER ${kind} ${sqlName(table)} RENAME TO ${sqlIdentifier(newName)}`;
    run.hit('RENAME_TABLE', `${alter}: every query of the running service that names ${sqlName(table)} fails`, table);
    if (run.wasCreated(table)) run.created(renamed);
    run.changesSchema(table, alter);
    run.takesAccessExclusive(alter, [table]);
    return;
  }
  const alter = `ALTER TABLE ${sqlName(table)}`;
  if (statement.renameType === 'OBJECT_COLUMN' && statement.subname !== undefined) {
    const column = statement.subname;
    run.hit(
      'RENAME_COLUMN',
      `${alter} RENAME COLUMN ${sqlIdentifier(column)} TO ${sqlIdentifier(newName)}: every query of the running service that names ` +
        `${sqlIdentifier(column)} fails`,
      table,
    );
    const type = run.columnType(table, column);
    run.typed(table, column, undefined);
    run.typed(table, newName, type);
  }
  if (statement.renameType === 'OBJECT_COLUMN' || statement.renameType === 'OBJECT_TABCONSTRAINT') {
    run.changesSchema(table, alter);
    run.takesAccessExclusive(alter, [table]);
  }
}

const RELATION_KINDS: Readonly<Record<string, string>> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_VIEW: 'VIEW',
  OBJECT_MATVIEW: 'MATERIALIZED VIEW',
  OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
};

/** `ALTER TABLE … SET SCHEMA`: queries naming the table in its old schema fail, as after a rename. */
export function lintSetSchema(statement: AlterObjectSchemaStmt, run: PostgresLintRun): void {
  const kind = RELATION_KINDS[statement.objectType ?? ''];
  const table = relationName(statement.relation);
  if (kind === undefined || table === undefined || statement.newschema === undefined) return;
  const alter = `ALTER ${kind} ${sqlName(table)} SET SCHEMA ${sqlIdentifier(statement.newschema)}`;
  run.hit('RENAME_TABLE', `${alter}: every query of the running service that names ${sqlName(table)} in its old schema fails`, table);
  if (run.wasCreated(table)) run.created({ name: table.name, schema: statement.newschema });
  run.changesSchema(table, alter);
  run.takesAccessExclusive(alter, [table]);
}

/** `CREATE TRIGGER` (SHARE ROW EXCLUSIVE), `CREATE POLICY` and `CREATE RULE` (ACCESS EXCLUSIVE): schema changes of their table. */
export function lintTableObject(relation: RangeVar | undefined, kind: 'TRIGGER' | 'POLICY' | 'RULE', run: PostgresLintRun): void {
  const table = relationName(relation);
  if (table === undefined) return;
  const what = `CREATE ${kind} on ${sqlName(table)}`;
  run.changesSchema(table, what);
  if (kind !== 'TRIGGER') run.takesAccessExclusive(what, [table]);
}

function listOf(name: QualifiedName | undefined): QualifiedName[] {
  return name === undefined ? [] : [name];
}

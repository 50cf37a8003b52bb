/**
 * Table rebuilds among a migration's statements: what SQLite cannot `ALTER` is done by
 * building the table anew. The adapter's compiler writes SQLite's own order
 * (https://www.sqlite.org/lang_altertable.html#otheralter): create the new table under
 * another name, copy the rows, drop the table, rename the new one to its name. Raw SQL
 * sometimes renames the old table out of the way first, the order SQLite's documentation
 * warns against. Either is one rebuild of one table, not a drop, a rename and a copy of
 * their own.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';

import { tableKey, tableOf, type StatementFact } from './sqlite-statement-facts.js';

/** One fact and the index of its statement. */
export interface PlacedFact {
  readonly statement: number;
  readonly fact: StatementFact;
}

/** One rebuild found. */
export interface TableRebuild {
  /** The table rebuilt, as its DROP (`sqlite` order) or RENAME (`renameFirst`) names it. */
  readonly table: QualifiedName;
  /** The other table of the rebuild: the new one (`sqlite` order) or the old one renamed (`renameFirst`). */
  readonly other: QualifiedName;
  /**
   * `sqlite`: create other, copy, drop table, rename other to table. `renameFirst`: rename
   * table to other, create table, copy, drop other.
   */
  readonly order: 'sqlite' | 'renameFirst';
  /** Index (in the facts) of its first fact, where it is reported: the create (`sqlite`), the rename (`renameFirst`). */
  readonly first: number;
  /** Indexes of its own facts: the create, the copy, the drop, the rename, and what else names the table that goes away. */
  readonly facts: ReadonlySet<number>;
  /** New columns of the rebuilt table that every insert must give a value (see `ColumnFacts.required`), and where they are declared. */
  readonly requiredColumns: readonly { readonly name: string; readonly fact: number }[];
  /** Columns the copy moves to another name, and where. */
  readonly renamedColumns: readonly { readonly from: string; readonly to: string; readonly fact: number }[];
}

/** The rebuilds among the facts, in order; a fact belongs to one rebuild at most. */
export function findTableRebuilds(facts: readonly PlacedFact[]): TableRebuild[] {
  const rebuilds: TableRebuild[] = [];
  const claimed = new Set<number>();
  facts.forEach(({ fact }, index) => {
    if (fact.kind !== 'renameTable' || claimed.has(index)) return;
    const renamed: QualifiedName = fact.table.schema === undefined ? { name: fact.newName } : { name: fact.newName, schema: fact.table.schema };
    const rebuild = inSqliteOrder(facts, index, fact.table, renamed) ?? renameFirst(facts, index, fact.table, renamed);
    if (rebuild === undefined || [...rebuild.facts].some((member) => claimed.has(member))) return;
    for (const member of rebuild.facts) claimed.add(member);
    rebuilds.push(rebuild);
  });
  return rebuilds.sort((a, b) => a.first - b.first);
}

/**
 * `CREATE TABLE new …; INSERT INTO new … SELECT … FROM t; DROP TABLE t; ALTER TABLE new
 * RENAME TO t`, the rename at `rename`. Without the create and the copy, the drop and the
 * rename are what they are: a table with its rows gone, another renamed in its place.
 */
function inSqliteOrder(facts: readonly PlacedFact[], rename: number, copy: QualifiedName, table: QualifiedName): TableRebuild | undefined {
  const tableName = tableKey(table);
  const copyName = tableKey(copy);
  const drop = lastBefore(facts, rename, (fact) => fact.kind === 'dropTable' && tableKey(fact.table) === tableName, (fact) => creates(fact, tableName));
  if (drop === undefined) return undefined;
  const create = lastBefore(facts, drop, (fact) => creates(fact, copyName), (fact) => fact.kind === 'dropTable' && tableKey(fact.table) === copyName);
  if (create === undefined) return undefined;
  const copied = firstAfter(facts, create, (fact, index) => index < drop && isCopy(fact, copyName, tableName), () => false);
  if (copied === undefined) return undefined;
  const members = new Set([create, drop, rename]);
  // Whatever names the new table before it takes the old one's name is the rebuild's own (its copy, its indexes).
  for (let index = create; index < rename; index++) {
    const named = tableOf(facts[index]!.fact);
    if (named !== undefined && tableKey(named) === copyName) members.add(index);
  }
  const { table: dropped } = facts[drop]!.fact as Extract<StatementFact, { kind: 'dropTable' }>;
  return { table: dropped, other: copy, order: 'sqlite', first: create, facts: members, ...columnChanges(facts, create, copied) };
}

/** `ALTER TABLE t RENAME TO old; CREATE TABLE t …; INSERT INTO t … SELECT … FROM old; DROP TABLE old`, the rename at `rename`. */
function renameFirst(facts: readonly PlacedFact[], rename: number, table: QualifiedName, old: QualifiedName): TableRebuild | undefined {
  const tableName = tableKey(table);
  const oldName = tableKey(old);
  const renamedAgain = (fact: StatementFact): boolean => fact.kind === 'renameTable' && tableKey(fact.table) === oldName;
  const create = firstAfter(facts, rename, (fact) => creates(fact, tableName), renamedAgain);
  if (create === undefined) return undefined;
  const drop = firstAfter(facts, create, (fact) => fact.kind === 'dropTable' && tableKey(fact.table) === oldName, renamedAgain);
  if (drop === undefined) return undefined;
  const copied = firstAfter(facts, create, (fact, index) => index < drop && isCopy(fact, tableName, oldName), () => false);
  if (copied === undefined) return undefined;
  const members = new Set([rename, create, copied, drop]);
  // Whatever names the old table under its temporary name is the rebuild's own.
  for (let index = rename + 1; index < drop; index++) {
    const named = tableOf(facts[index]!.fact);
    if (named !== undefined && tableKey(named) === oldName) members.add(index);
  }
  return { table, other: old, order: 'renameFirst', first: rename, facts: members, ...columnChanges(facts, create, copied) };
}

/** What the copy does to the columns: new ones every insert must fill, and ones it moves to another name. */
function columnChanges(facts: readonly PlacedFact[], create: number, copy: number): Pick<TableRebuild, 'requiredColumns' | 'renamedColumns'> {
  const created = facts[create]!.fact as Extract<StatementFact, { kind: 'createTable' }>;
  const copied = facts[copy]!.fact as Extract<StatementFact, { kind: 'insert' }>;
  // Without the new table's columns (CREATE … AS SELECT, a head read by hand) or the copy's, nothing is known of them.
  if (created.columns === undefined || copied.columns === undefined || copied.copy === undefined) return { requiredColumns: [], renamedColumns: [] };
  const filled = new Set(copied.columns.map((column) => column.toLowerCase()));
  const requiredColumns = created.columns.filter((column) => column.required && !filled.has(column.name.toLowerCase())).map(({ name }) => ({ name, fact: create }));
  const { sources } = copied.copy;
  const renamedColumns = sources.includes('*')
    ? []
    : copied.columns.flatMap((to, position) => {
        const from = sources[position];
        return from === undefined || from.toLowerCase() === to.toLowerCase() || from.toLowerCase() === 'rowid' ? [] : [{ from, to, fact: copy }];
      });
  return { requiredColumns, renamedColumns };
}

/** `INSERT INTO into … SELECT … FROM from`. */
function isCopy(fact: StatementFact, into: string, from: string): boolean {
  return fact.kind === 'insert' && tableKey(fact.table) === into && fact.copy !== undefined && fact.copy.from.some((source) => tableKey(source) === from);
}

function creates(fact: StatementFact, table: string): boolean {
  return fact.kind === 'createTable' && tableKey(fact.table) === table;
}

/** The last fact before `end` that matches, looking back no further than one that `stops`. */
function lastBefore(facts: readonly PlacedFact[], end: number, matches: (fact: StatementFact) => boolean, stops: (fact: StatementFact) => boolean): number | undefined {
  for (let index = end - 1; index >= 0; index--) {
    const { fact } = facts[index]!;
    if (matches(fact)) return index;
    if (stops(fact)) return undefined;
  }
  return undefined;
}

/** The first fact after `start` that matches, looking no further than one that `stops`. */
function firstAfter(
  facts: readonly PlacedFact[],
  start: number,
  matches: (fact: StatementFact, index: number) => boolean,
  stops: (fact: StatementFact) => boolean,
): number | undefined {
  for (let index = start + 1; index < facts.length; index++) {
    const { fact } = facts[index]!;
    if (matches(fact, index)) return index;
    if (stops(fact)) return undefined;
  }
  return undefined;
}

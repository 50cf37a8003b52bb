/**
 * Random migrations for the portability property: a starting schema with rows, then
 * random schema operations, each valid where it is generated and each with its inverse
 * for `down`.
 *
 * fast-check generates only lists of numbers ("picks"); {@link interpretScenario} reads
 * them against a model of the schema (core's `SchemaModel`, plus the rows and the few
 * facts the model does not keep) and makes the operations. An operation that does not
 * fit the schema it meets is skipped, so any list of picks is a valid migration and
 * shrinking (shorter lists, smaller numbers) keeps it valid.
 */
import fc from 'fast-check';

import type {
  AlterColumnChanges,
  ColumnDefault,
  IndexDefinition,
  NamedColumn,
  PortableColumnType,
  Row,
  TableChange,
  TableDescription,
} from '@cloudguard/migrate-core/adapter';

// The model is internal to core (not exported); the test reads it from the source.
import { SchemaModel } from '../../../../core/src/operations/schema-model.js';
import type { MigrationStep, RevisionSteps } from './render-migration.js';

/** What fast-check generates: numbers only, read by {@link interpretScenario}. */
export interface ScenarioPicks {
  readonly tables: readonly (readonly number[])[];
  readonly steps: readonly { readonly picks: readonly number[]; readonly endsRevision: boolean }[];
}

export const scenarioPicks: fc.Arbitrary<ScenarioPicks> = fc.record({
  tables: fc.array(fc.array(fc.nat(999), { minLength: 24, maxLength: 24 }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(fc.record({ picks: fc.array(fc.nat(999), { minLength: 24, maxLength: 24 }), endsRevision: fc.boolean() }), {
    minLength: 1,
    maxLength: 14,
  }),
});

/** The migrations, and the tables and views the upgrade must leave. */
export interface Scenario {
  readonly revisions: readonly RevisionSteps[];
  readonly tables: readonly string[];
  readonly views: readonly string[];
}

/** Reads picks in order; past the end it starts again, so it never runs out. */
class Picks {
  #next = 0;
  constructor(readonly values: readonly number[]) {}
  /** A number below `n`. */
  below(n: number): number {
    const value = this.values[this.#next++ % this.values.length] ?? 0;
    return n <= 1 ? 0 : value % n;
  }
  one<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.below(items.length)];
  }
  chance(outOf: number): boolean {
    return this.below(outOf) === 0;
  }
}

const COLUMN_TYPES: readonly PortableColumnType[] = [
  'integer', 'bigint', 'smallint', 'decimal', 'float', 'double', 'boolean', 'string', 'text', 'uuid', 'json', 'date', 'time', 'datetime', 'blob',
];
const INTEGERS: readonly PortableColumnType[] = ['integer', 'bigint', 'smallint'];
/** Types whose values rows are not given (a boolean or bytes value cannot be written the same way for both drivers). */
const NOT_INSERTED: readonly PortableColumnType[] = ['boolean', 'blob'];
/** Types that get no index, unique or view here. */
const NOT_KEYED: readonly PortableColumnType[] = ['json', 'blob', 'boolean'];

/** The type parameters a generated column of `type` carries. */
function parameters(type: PortableColumnType): Partial<NamedColumn> {
  if (type === 'string') return { length: 32 };
  if (type === 'decimal') return { precision: 8, scale: 2 };
  return {};
}

/** Literal defaults a column of `type` may get; none for the others. */
function defaultsOf(type: PortableColumnType): readonly ColumnDefault[] {
  if (INTEGERS.includes(type)) return [7, 0];
  if (type === 'decimal') return [1.5];
  if (type === 'float' || type === 'double') return [0.5];
  if (type === 'boolean') return [false, true];
  if (type === 'string' || type === 'text') return ['dflt', 'other'];
  return [];
}

/** The value of a column of `type` in row `i`, as both drivers accept it. */
function valueOf(type: PortableColumnType, i: number): unknown {
  if (INTEGERS.includes(type)) return i + 1;
  switch (type) {
    case 'decimal':
      return i + 0.25;
    case 'float':
    case 'double':
      return i + 0.5;
    case 'string':
    case 'text':
      return `v${i}`;
    case 'uuid':
      return `00000000-0000-4000-8000-00000000000${i}`;
    case 'json':
      return `{"n":${i}}`;
    case 'date':
      return `2024-01-0${i + 1}`;
    case 'time':
      return `10:00:0${i}`;
    case 'datetime':
      return `2024-01-02 10:00:0${i}`;
    default:
      return null;
  }
}

/** What the schema model does not keep: the rows (as the database holds them) and facts about columns. */
interface TableFacts {
  rows: Record<string, unknown>[];
  /** Check name → the column it is about. */
  readonly checks: Map<string, string>;
  /** Columns never NOT NULL since they were made: dropping one is undone by adding it back with NULLs. */
  readonly alwaysNullable: Set<string>;
}

interface ViewFacts {
  readonly table: string;
  readonly columns: readonly string[];
  readonly definition: string;
}

/** One generated operation and its inverse. */
interface Generated {
  readonly up: MigrationStep[];
  readonly down: MigrationStep[];
}

const alter = (table: string, changes: readonly TableChange[], batch = false): MigrationStep => ({ kind: 'alterTable', table: { name: table }, changes, batch });

/** The interpreter: the model of the schema as generated so far. */
class ScenarioBuilder {
  readonly model = new SchemaModel();
  readonly facts = new Map<string, TableFacts>();
  readonly views = new Map<string, ViewFacts>();
  #counter = 0;

  fresh(prefix: string): string {
    return `${prefix}${this.#counter++}`;
  }

  table(name: string): TableDescription {
    const answer = this.model.describe({ name });
    if (answer.state !== 'known') throw new Error(`the generator lost table ${name}`);
    return answer.table;
  }

  tableNames(): string[] {
    return this.model.tables().map((table) => table.table.name);
  }

  factsOf(name: string): TableFacts {
    const facts = this.facts.get(name);
    if (facts === undefined) throw new Error(`the generator has no facts of ${name}`);
    return facts;
  }

  primaryKeyColumns(table: TableDescription): string[] {
    return table.primaryKey?.columns.length ? [...table.primaryKey.columns] : table.columns.filter((c) => c.primaryKey === true).map((c) => c.name);
  }

  /** Columns of `name` that foreign keys of any table reference. */
  referencedColumns(name: string): Set<string> {
    return new Set(
      this.model
        .tables()
        .flatMap((table) => table.foreignKeys.filter((key) => key.referencedTable.name === name).flatMap((key) => key.referencedColumns)),
    );
  }

  viewColumns(name: string): Set<string> {
    return new Set([...this.views.values()].filter((view) => view.table === name).flatMap((view) => view.columns));
  }

  /**
   * Whether the values of `columns` are distinct over the rows (what a unique constraint
   * needs): a key holding NULL repeats nothing, as the databases take NULLs as distinct.
   */
  distinct(name: string, columns: readonly string[]): boolean {
    const seen = new Set<string>();
    for (const row of this.factsOf(name).rows) {
      const values = columns.map((column) => row[column] ?? null);
      if (values.includes(null)) continue;
      const key = JSON.stringify(values);
      if (seen.has(key)) return false;
      seen.add(key);
    }
    return true;
  }

  /** Applies a step to the model and returns it. */
  record(step: MigrationStep): MigrationStep {
    if (step.kind !== 'bulkInsert') this.model.apply(step);
    return step;
  }

  // ── tables ────────────────────────────────────────────────────────────────

  /** A new table with columns, a key, maybe an index, a unique, a check and a foreign key, and rows. */
  createTable(picks: Picks): Generated {
    const name = this.fresh('t');
    const rowCount = picks.below(4);
    const columns: NamedColumn[] = [];
    const rows: Record<string, unknown>[] = Array.from({ length: rowCount }, () => ({}));
    const alwaysNullable = new Set<string>();
    let primaryKey: { name: string; columns: string[] } | undefined;
    const key = picks.below(3);
    if (key === 0) {
      columns.push({ name: 'id', type: 'integer', primaryKey: true, autoincrement: picks.chance(2) ? true : undefined });
      rows.forEach((row, i) => (row['id'] = i + 1));
    } else if (key === 1) {
      columns.push({ name: 'k1', type: 'integer', nullable: false }, { name: 'k2', type: 'string', length: 32, nullable: false });
      primaryKey = { name: `pk_${name}`, columns: ['k1', 'k2'] };
      rows.forEach((row, i) => Object.assign(row, { k1: i + 1, k2: `k${i}` }));
    }
    const count = 1 + picks.below(4);
    for (let c = 0; c < count; c++) {
      const column = this.newColumn(picks, this.fresh('c'), rowCount > 0);
      columns.push(column);
      if (column.nullable !== false) alwaysNullable.add(column.name);
      const nulls = column.nullable !== false && picks.chance(3);
      rows.forEach((row, i) => {
        if (NOT_INSERTED.includes(column.type)) return;
        row[column.name] = nulls && i % 2 === 0 ? null : valueOf(column.type, i);
      });
    }
    const indexes: IndexDefinition[] = [];
    const uniques: { name: string; columns: string[] }[] = [];
    const checks: { name: string; expression: string }[] = [];
    const foreignKeys: TableDescription['foreignKeys'][number][] = [];
    const facts: TableFacts = { rows: [], checks: new Map(), alwaysNullable };
    const plain = columns.filter((column) => column.primaryKey !== true && !NOT_KEYED.includes(column.type));
    if (picks.chance(2)) {
      const indexed = picks.one(plain);
      if (indexed !== undefined) indexes.push({ name: this.fresh('ix'), columns: [indexed.name], unique: false });
    }
    const parent = picks.one(this.tableNames().filter((other) => this.singleIntegerKey(other) !== undefined));
    if (parent !== undefined && picks.chance(2)) {
      const parentRows = this.factsOf(parent).rows.length;
      const column: NamedColumn = { name: this.fresh('ref'), type: 'integer' };
      columns.push(column);
      alwaysNullable.add(column.name);
      rows.forEach((row, i) => (row[column.name] = parentRows === 0 || i % 3 === 2 ? null : (i % parentRows) + 1));
      foreignKeys.push({
        name: this.fresh('fk'),
        columns: [column.name],
        referencedTable: { name: parent },
        referencedColumns: [this.singleIntegerKey(parent) as string],
        onDelete: picks.one([undefined, 'cascade', 'restrict'] as const),
      });
    }
    const complete = rows.map((row) => this.withDefaults(row, columns));
    if (picks.chance(3)) {
      const unique = picks.one(plain.filter((column) => new Set(complete.map((row) => row[column.name])).size === complete.length));
      if (unique !== undefined) uniques.push({ name: this.fresh('uq'), columns: [unique.name] });
    }
    const checked = picks.chance(3) ? picks.one(plain.filter((column) => INTEGERS.includes(column.type))) : undefined;
    if (checked !== undefined) {
      const check = { name: this.fresh('ck'), expression: `${checked.name} >= 0` };
      checks.push(check);
      facts.checks.set(check.name, checked.name);
    }
    const create = this.record({ kind: 'createTable', table: { name }, columns, primaryKey, indexes, uniques, foreignKeys, checks });
    facts.rows = complete;
    this.facts.set(name, facts);
    const insert: MigrationStep[] = rows.length === 0 ? [] : [{ kind: 'bulkInsert', table: name, rows }];
    return { up: [create, ...insert], down: [{ kind: 'dropTable', table: { name }, ifExists: false }] };
  }

  /** The one integer column of a table's primary key, which a foreign key may reference. */
  singleIntegerKey(name: string): string | undefined {
    const table = this.table(name);
    const key = this.primaryKeyColumns(table);
    if (key.length !== 1) return undefined;
    return table.columns.find((column) => column.name === key[0])?.type === 'integer' ? key[0] : undefined;
  }

  /** A row as the database holds it: the columns left out take their default, or NULL. */
  withDefaults(row: Record<string, unknown>, columns: readonly NamedColumn[]): Record<string, unknown> {
    return Object.fromEntries(columns.map((column) => [column.name, column.name in row ? row[column.name] : (column.default ?? null)]));
  }

  /** A column definition; NOT NULL only where the rows can hold it (a value or a default). */
  newColumn(picks: Picks, name: string, hasRows: boolean): NamedColumn {
    const type = picks.one(COLUMN_TYPES) as PortableColumnType;
    const defaultValue = picks.chance(2) ? picks.one(defaultsOf(type)) : undefined;
    let nullable = !picks.chance(3);
    // Rows omit boolean and blob values: NOT NULL needs a default there.
    if (!nullable && hasRows && NOT_INSERTED.includes(type) && defaultValue === undefined) nullable = true;
    return { name, type, ...parameters(type), nullable, default: defaultValue };
  }

  renameTable(picks: Picks): Generated | undefined {
    const name = picks.one(this.tableNames().filter((table) => ![...this.views.values()].some((view) => view.table === table)));
    if (name === undefined) return undefined;
    const newName = this.fresh('t');
    const up = this.record({ kind: 'renameTable', table: { name }, newName });
    this.facts.set(newName, this.factsOf(name));
    this.facts.delete(name);
    return { up: [up], down: [{ kind: 'renameTable', table: { name: newName }, newName: name }] };
  }

  dropTable(picks: Picks): Generated | undefined {
    const name = picks.one(
      this.tableNames().filter(
        (table) =>
          ![...this.views.values()].some((view) => view.table === table) &&
          !this.model.tables().some((other) => other.table.name !== table && other.foreignKeys.some((key) => key.referencedTable.name === table)),
      ),
    );
    if (name === undefined) return undefined;
    const { table: _name, ...definition } = this.table(name);
    const rows = this.factsOf(name).rows.map((row) =>
      Object.fromEntries(Object.entries(row).filter(([column]) => !NOT_INSERTED.includes(definition.columns.find((c) => c.name === column)?.type ?? 'text'))),
    );
    const up = this.record({ kind: 'dropTable', table: { name }, ifExists: false });
    this.facts.delete(name);
    const recreate: MigrationStep = { kind: 'createTable', table: { name }, ...definition };
    return { up: [up], down: [recreate, ...(rows.length === 0 ? [] : [{ kind: 'bulkInsert' as const, table: name, rows: rows as Row[] }])] };
  }

  createView(picks: Picks): Generated | undefined {
    const name = picks.one(this.tableNames());
    if (name === undefined) return undefined;
    const candidates = this.table(name).columns.filter((column) => !NOT_KEYED.includes(column.type)).map((column) => column.name);
    const first = picks.one(candidates);
    if (first === undefined) return undefined;
    const columns = [...new Set([first, picks.one(candidates) as string])];
    const view = this.fresh('v');
    const definition = `SELECT ${columns.map((column) => `${column} AS ${column}`).join(', ')} FROM ${name}`;
    this.views.set(view, { table: name, columns, definition });
    return {
      up: [this.record({ kind: 'createView', view: { name: view }, definition, orReplace: false })],
      down: [{ kind: 'dropView', view: { name: view }, ifExists: false }],
    };
  }

  dropView(picks: Picks): Generated | undefined {
    const view = picks.one([...this.views.keys()]);
    if (view === undefined) return undefined;
    const facts = this.views.get(view) as ViewFacts;
    this.views.delete(view);
    return {
      up: [this.record({ kind: 'dropView', view: { name: view }, ifExists: false })],
      down: [{ kind: 'createView', view: { name: view }, definition: facts.definition, orReplace: false }],
    };
  }

  // ── changes to one table ──────────────────────────────────────────────────

  /** One change to `name` and its inverse changes, applied to the model; `undefined` when it does not fit. */
  change(picks: Picks, name: string): { change: TableChange; inverse: TableChange[] } | undefined {
    const table = this.table(name);
    const facts = this.factsOf(name);
    const key = new Set(this.primaryKeyColumns(table));
    const referenced = this.referencedColumns(name);
    const inViews = this.viewColumns(name);
    const checked = new Set(facts.checks.values());
    const inForeignKeys = new Set(table.foreignKeys.flatMap((foreignKey) => foreignKey.columns));
    const inUniques = new Set([...table.uniques.flatMap((unique) => unique.columns), ...table.columns.filter((c) => c.unique === true).map((c) => c.name)]);
    const plain = table.columns.filter((column) => !key.has(column.name));
    const kind = picks.below(13);
    let made: { change: TableChange; inverse: TableChange[] } | undefined;
    switch (kind) {
      case 0: {
        const column = this.newColumn(picks, this.fresh('c'), facts.rows.length > 0);
        if (column.nullable === false && facts.rows.length > 0 && column.default === undefined) return undefined;
        made = { change: { kind: 'addColumn', column }, inverse: [{ kind: 'dropColumn', column: column.name }] };
        break;
      }
      case 1: {
        const column = picks.one(
          plain.filter(
            (c) =>
              c.nullable !== false &&
              c.default === undefined &&
              facts.alwaysNullable.has(c.name) &&
              ![referenced, inViews, checked, inForeignKeys, inUniques].some((set) => set.has(c.name)),
          ),
        );
        if (column === undefined || table.columns.length < 2) return undefined;
        // The indexes on the column go with it; down adds the column back, then the indexes.
        const indexes = table.indexes.filter((index) => index.columns.includes(column.name));
        made = {
          change: { kind: 'dropColumn', column: column.name },
          inverse: [{ kind: 'addColumn', column }, ...indexes.map((index): TableChange => ({ kind: 'createIndex', index, concurrently: false, ifNotExists: false }))],
        };
        break;
      }
      case 2: {
        const column = picks.one(plain.filter((c) => ![referenced, inViews, checked, inForeignKeys].some((set) => set.has(c.name))));
        const changes = column === undefined ? undefined : this.typeChange(picks, column);
        if (column === undefined || changes === undefined) return undefined;
        const back: AlterColumnChanges = { type: column.type, length: column.length, precision: column.precision, scale: column.scale };
        made = { change: { kind: 'alterColumn', column: column.name, changes }, inverse: [{ kind: 'alterColumn', column: column.name, changes: back }] };
        break;
      }
      case 3: {
        const column = picks.one(plain.filter((c) => c.nullable === false || facts.rows.every((row) => row[c.name] !== null && row[c.name] !== undefined)));
        if (column === undefined) return undefined;
        const nullable = column.nullable === false;
        made = {
          change: { kind: 'alterColumn', column: column.name, changes: { nullable } },
          inverse: [{ kind: 'alterColumn', column: column.name, changes: { nullable: !nullable } }],
        };
        if (!nullable) facts.alwaysNullable.delete(column.name);
        break;
      }
      case 4: {
        const column = picks.one(plain.filter((c) => defaultsOf(c.type).length > 0));
        if (column === undefined) return undefined;
        const value = picks.one([null, ...defaultsOf(column.type)]) ?? null;
        made = {
          change: { kind: 'alterColumn', column: column.name, changes: { default: value } },
          inverse: [{ kind: 'alterColumn', column: column.name, changes: { default: column.default ?? null } }],
        };
        break;
      }
      case 5: {
        const column = picks.one(table.columns.filter((c) => ![referenced, inViews, checked].some((set) => set.has(c.name))));
        if (column === undefined) return undefined;
        const newName = this.fresh('c');
        made = {
          change: { kind: 'alterColumn', column: column.name, changes: { name: newName } },
          inverse: [{ kind: 'alterColumn', column: newName, changes: { name: column.name } }],
        };
        for (const row of facts.rows) {
          row[newName] = row[column.name];
          delete row[column.name];
        }
        if (facts.alwaysNullable.delete(column.name)) facts.alwaysNullable.add(newName);
        break;
      }
      case 6: {
        const columns = this.someColumns(picks, plain);
        if (columns === undefined) return undefined;
        const index: IndexDefinition = { name: this.fresh('ix'), columns, unique: picks.chance(3) && this.distinct(name, columns) };
        made = { change: { kind: 'createIndex', index, concurrently: false, ifNotExists: false }, inverse: [{ kind: 'dropIndex', name: index.name, concurrently: false, ifExists: false }] };
        break;
      }
      case 7: {
        const index = picks.one(table.indexes);
        if (index === undefined) return undefined;
        made = { change: { kind: 'dropIndex', name: index.name, concurrently: false, ifExists: false }, inverse: [{ kind: 'createIndex', index, concurrently: false, ifNotExists: false }] };
        break;
      }
      case 8: {
        const columns = this.someColumns(picks, plain);
        if (columns === undefined || !this.distinct(name, columns)) return undefined;
        const unique = { name: this.fresh('uq'), columns };
        made = { change: { kind: 'addUnique', unique }, inverse: [{ kind: 'dropConstraint', name: unique.name, type: 'unique' }] };
        break;
      }
      case 9: {
        const dropped = picks.below(3);
        if (dropped === 0) {
          const unique = picks.one(table.uniques);
          if (unique === undefined) return undefined;
          made = { change: { kind: 'dropConstraint', name: unique.name, type: 'unique' }, inverse: [{ kind: 'addUnique', unique }] };
        } else if (dropped === 1) {
          const foreignKey = picks.one(table.foreignKeys);
          if (foreignKey === undefined) return undefined;
          made = { change: { kind: 'dropConstraint', name: foreignKey.name, type: 'foreignKey' }, inverse: [{ kind: 'addForeignKey', foreignKey }] };
        } else {
          const check = picks.one(table.checks);
          if (check === undefined) return undefined;
          facts.checks.delete(check.name);
          made = { change: { kind: 'dropConstraint', name: check.name, type: 'check' }, inverse: [{ kind: 'addCheck', check }] };
        }
        break;
      }
      case 10: {
        const parent = picks.one(this.tableNames().filter((other) => other !== name && this.singleIntegerKey(other) !== undefined));
        const column = picks.one(plain.filter((c) => c.type === 'integer' && !inForeignKeys.has(c.name)));
        if (parent === undefined || column === undefined) return undefined;
        const parentKey = this.singleIntegerKey(parent) as string;
        const parentValues = new Set(this.factsOf(parent).rows.map((row) => row[parentKey]));
        if (!facts.rows.every((row) => row[column.name] === null || parentValues.has(row[column.name]))) return undefined;
        const foreignKey = {
          name: this.fresh('fk'),
          columns: [column.name],
          referencedTable: { name: parent },
          referencedColumns: [parentKey],
          onDelete: picks.one([undefined, 'cascade', 'restrict'] as const),
        };
        made = { change: { kind: 'addForeignKey', foreignKey }, inverse: [{ kind: 'dropConstraint', name: foreignKey.name, type: 'foreignKey' }] };
        break;
      }
      default: {
        const column = picks.one(plain.filter((c) => INTEGERS.includes(c.type) && !checked.has(c.name)));
        if (column === undefined) return undefined;
        const check = { name: this.fresh('ck'), expression: `${column.name} >= 0` };
        facts.checks.set(check.name, column.name);
        made = { change: { kind: 'addCheck', check }, inverse: [{ kind: 'dropConstraint', name: check.name, type: 'check' }] };
      }
    }
    this.record(alter(name, [made.change]));
    this.updateRows(name, made.change);
    return made;
  }

  /** The rows after a change that gives them values: a new column holds its default, or NULL. */
  updateRows(name: string, change: TableChange): void {
    const facts = this.factsOf(name);
    if (change.kind === 'addColumn') for (const row of facts.rows) row[change.column.name] = change.column.default ?? null;
    if (change.kind === 'dropColumn') for (const row of facts.rows) delete row[change.column];
  }

  /** One or two distinct columns that may be indexed, or `undefined`. */
  someColumns(picks: Picks, columns: readonly NamedColumn[]): string[] | undefined {
    const candidates = columns.filter((column) => !NOT_KEYED.includes(column.type)).map((column) => column.name);
    const first = picks.one(candidates);
    if (first === undefined) return undefined;
    return [...new Set([first, ...(picks.chance(2) ? [picks.one(candidates) as string] : [])])];
  }

  /** A change of type that keeps every value: within the integers, the strings, the floats, or a wider decimal. */
  typeChange(picks: Picks, column: NamedColumn): AlterColumnChanges | undefined {
    if (INTEGERS.includes(column.type)) return { type: picks.one(INTEGERS.filter((type) => type !== column.type)) };
    if (column.type === 'string') return picks.chance(2) ? { type: 'text' } : { type: 'string', length: column.length === 64 ? 32 : 64 };
    if (column.type === 'text') return { type: 'string', length: 32 };
    if (column.type === 'float') return { type: 'double' };
    if (column.type === 'double') return { type: 'float' };
    if (column.type === 'decimal') return { type: 'decimal', precision: column.precision === 12 ? 8 : 12, scale: 2 };
    return undefined;
  }

  /** A change on its own, or a batch of up to three on one table. */
  alterTable(picks: Picks, batch: boolean): Generated | undefined {
    const name = picks.one(this.tableNames());
    if (name === undefined) return undefined;
    const changes: TableChange[] = [];
    const inverses: TableChange[][] = [];
    const count = batch ? 2 + picks.below(2) : 1;
    for (let i = 0; i < count; i++) {
      const made = this.change(picks, name);
      if (made === undefined) continue;
      changes.push(made.change);
      inverses.unshift(made.inverse);
    }
    if (changes.length === 0) return undefined;
    return { up: [alter(name, changes, batch)], down: [alter(name, inverses.flat(), batch)] };
  }
}

/**
 * The migrations the picks describe: one revision for the starting schema and its rows,
 * then the operations, cut into revisions where a step says so.
 */
export function interpretScenario(scenario: ScenarioPicks): Scenario {
  const builder = new ScenarioBuilder();
  const start: Generated = { up: [], down: [] };
  for (const table of scenario.tables) {
    const made = builder.createTable(new Picks(table));
    start.up.push(...made.up);
    start.down.unshift(...made.down);
  }
  const revisions: RevisionSteps[] = [start];
  let current: Generated = { up: [], down: [] };
  for (const step of scenario.steps) {
    const picks = new Picks(step.picks);
    const kind = picks.below(10);
    let made: Generated | undefined;
    if (kind <= 3) made = builder.alterTable(picks, false);
    else if (kind <= 5) made = builder.alterTable(picks, true);
    else if (kind === 6) made = builder.createTable(picks);
    else if (kind === 7) made = picks.chance(2) ? builder.renameTable(picks) : builder.dropTable(picks);
    else if (kind === 8) made = builder.createView(picks);
    else made = builder.dropView(picks);
    if (made !== undefined) {
      current.up.push(...made.up);
      current.down.unshift(...made.down);
    }
    if (step.endsRevision && current.up.length > 0) {
      revisions.push(current);
      current = { up: [], down: [] };
    }
  }
  if (current.up.length > 0) revisions.push(current);
  return { revisions, tables: builder.tableNames().sort(), views: [...builder.views.keys()].sort() };
}

/**
 * A generated corpus for branch-conflict detection (issue 20, item 3): pairs of branch
 * migrations that touch the same object and pairs that touch disjoint objects, each
 * side written with schema operations or with raw SQL (`op.execute`, in random case),
 * read with the real SQLite and PostgreSQL adapters (their offline renderers and SQL
 * parsers; nothing connects, as `check` reads migrations without the database).
 * Every same-object pair must be flagged; at most 1 % of the disjoint pairs may be.
 * The seed is fixed, so the corpus is the same on every run. A root revision creates the
 * tables and indexes, as a project's history would: that is where a `DROP INDEX ix`
 * that does not name its table finds it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { postgresAdapter } from '@cloudguard/migrate-adapter-postgres';
import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';
import { createEnvironment, findBranchConflicts, loadConfig } from '@cloudguard/migrate-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempProject } from './cli.js';

const SEED = 20_2003;
const PAIRS_PER_KIND = 150;

type Dialect = 'sqlite' | 'postgresql';
type Style = 'operation' | 'sql';
type TargetKind = 'column' | 'index' | 'constraint' | 'table';

/** One change a generated migration makes. */
interface Change {
  readonly kind: TargetKind;
  /** Which of the pair's two tables, and which column / index / constraint of it. */
  readonly table: number;
  readonly slot: number;
  /** An index into the kind's actions (see {@link code}). */
  readonly action: number;
  readonly style: Style;
  readonly upper: boolean;
}

interface PairSpec {
  readonly same: boolean;
  readonly first: Change;
  readonly second: Change;
}

const ACTIONS: Record<TargetKind, number> = { column: 4, index: 2, constraint: 2, table: 2 };
/** Column actions 3 writes data; the others are DDL. */
const isData = (change: Change): boolean => change.kind === 'column' && change.action === 3;

const changeArb = (kind: fc.Arbitrary<TargetKind>): fc.Arbitrary<Change> =>
  kind.chain((k) =>
    fc.record({
      kind: fc.constant(k),
      table: fc.integer({ min: 0, max: 1 }),
      slot: fc.integer({ min: 0, max: 3 }),
      action: fc.integer({ min: 0, max: ACTIONS[k] - 1 }),
      style: fc.constantFrom<Style>('operation', 'sql'),
      upper: fc.boolean(),
    }),
  );
const anyKind = fc.constantFrom<TargetKind>('column', 'index', 'constraint', 'table');

/** Two changes of the same object (a table-level change meets anything on its table). */
const sameArb: fc.Arbitrary<PairSpec> = fc
  .tuple(changeArb(anyKind), changeArb(anyKind), fc.boolean())
  .map(([first, other, viaTable]) => {
    if (first.kind === 'table' || (viaTable && other.kind === 'table')) {
      const table = first.kind === 'table' ? first : other;
      const rest = first.kind === 'table' ? other : first;
      return { same: true, first: table, second: { ...rest, table: table.table } };
    }
    return { same: true, first, second: { ...other, kind: first.kind, table: first.table, slot: first.slot, action: other.action % ACTIONS[first.kind] } };
  });

/** Two changes of different objects: another table, or another part of the same table (never two data writes of one table). */
const disjointArb: fc.Arbitrary<PairSpec> = fc
  .tuple(changeArb(fc.constantFrom<TargetKind>('column', 'index', 'constraint')), changeArb(anyKind), fc.boolean())
  .map(([first, other, sameTable]) => {
    if (other.kind === 'table' || !sameTable || (isData(first) && isData(other))) return { same: false, first, second: { ...other, table: 1 - first.table } };
    const slot = other.kind === first.kind ? (first.slot + 1 + (other.slot % 3)) % 4 : other.slot;
    return { same: false, first, second: { ...other, table: first.table, slot } };
  });

/** The statement of `change` in pair `pair`, as a line of `up()`. */
function code(change: Change, pair: number, dialect: Dialect): string {
  const table = `p${pair}_t${change.table}`;
  const name = (text: string): string => (change.style === 'sql' && change.upper ? text.toUpperCase() : text);
  const sql = (statement: string): string => `await op.execute(${JSON.stringify(statement)});`;
  // SQLite has no ALTER COLUMN and no ADD/DROP CONSTRAINT: those are written as operations there.
  const style = dialect === 'sqlite' && (change.kind === 'constraint' || (change.kind === 'column' && change.action === 2)) ? 'operation' : change.style;
  const column = `c${change.slot}`;
  const index = `ix_${table}_${change.slot}`;
  const constraint = `uq_${table}_${change.slot}`;
  switch (change.kind) {
    case 'column':
      switch (change.action) {
        case 0:
          return style === 'operation' ? `await op.addColumn('${table}', '${column}', { type: 'text' });` : sql(`ALTER TABLE ${name(table)} ADD COLUMN ${name(column)} text`);
        case 1:
          return style === 'operation' ? `await op.dropColumn('${table}', '${column}');` : sql(`ALTER TABLE ${name(table)} DROP COLUMN ${name(column)}`);
        case 2:
          return style === 'operation' ? `await op.alterColumn('${table}', '${column}', { nullable: true });` : sql(`ALTER TABLE ${name(table)} ALTER COLUMN ${name(column)} DROP NOT NULL`);
        default:
          return style === 'operation' ? `await op.bulkInsert('${table}', [{ ${column}: 'x' }]);` : sql(`UPDATE ${name(table)} SET ${name(column)} = 'x'`);
      }
    case 'index':
      if (change.action === 0) {
        return style === 'operation' ? `await op.createIndex('${index}', '${table}', ['${column}']);` : sql(`CREATE INDEX ${name(index)} ON ${name(table)} (${name(column)})`);
      }
      return style === 'operation' ? `await op.dropIndex('${index}', '${table}');` : sql(`DROP INDEX ${name(index)}`);
    case 'constraint':
      if (change.action === 0) {
        return style === 'operation'
          ? `await op.createUniqueConstraint('${constraint}', '${table}', ['${column}']);`
          : sql(`ALTER TABLE ${name(table)} ADD CONSTRAINT ${name(constraint)} UNIQUE (${name(column)})`);
      }
      return style === 'operation' ? `await op.dropConstraint('${constraint}', '${table}', 'unique');` : sql(`ALTER TABLE ${name(table)} DROP CONSTRAINT ${name(constraint)}`);
    case 'table':
      if (change.action === 0) return style === 'operation' ? `await op.dropTable('${table}');` : sql(`DROP TABLE ${name(table)}`);
      return style === 'operation' ? `await op.renameTable('${table}', '${table}_renamed');` : sql(`ALTER TABLE ${name(table)} RENAME TO ${name(`${table}_renamed`)}`);
  }
}

const cleanups: (() => void)[] = [];
afterAll(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('branch conflicts: a generated corpus of same-object and disjoint pairs', () => {
  const pairs = [...fc.sample(sameArb, { seed: SEED, numRuns: PAIRS_PER_KIND }), ...fc.sample(disjointArb, { seed: SEED + 1, numRuns: PAIRS_PER_KIND })];

  it.each(['sqlite', 'postgresql'] as const)('flags every same-object pair and at most 1 per cent of disjoint pairs (%s)', async (dialect) => {
    const { dir, cleanup } = tempProject();
    cleanups.push(cleanup);
    const versions = path.join(dir, 'migrations', 'versions');
    mkdirSync(versions, { recursive: true });
    const write = (id: string, parent: string | null, body: string): void =>
      writeFileSync(path.join(versions, `${id}.ts`), `export default {\n  revision: '${id}',\n  downRevision: ${JSON.stringify(parent)},\n  async up(op) {\n    ${body}\n  },\n};\n`);
    // The tables and indexes the pairs change, made by the root revision as a project's history would.
    const slots = [0, 1, 2, 3];
    const columns = slots.map((slot) => `c${slot}: { type: 'text', nullable: false }`).join(', ');
    write(
      'root',
      null,
      pairs
        .flatMap((_, i) =>
          [0, 1].map((t) => {
            const indexes = slots.map((slot) => `{ name: 'ix_p${i}_t${t}_${slot}', columns: ['c${slot}'] }`).join(', ');
            return `await op.createTable('p${i}_t${t}', { id: { type: 'integer', primaryKey: true }, ${columns} }, { indexes: [${indexes}] });`;
          }),
        )
        .join('\n    '),
    );
    pairs.forEach((pair, i) => {
      write(`p${i}_a`, 'root', code(pair.first, i, dialect));
      write(`p${i}_b`, 'root', code(pair.second, i, dialect));
    });

    const adapter = dialect === 'sqlite' ? sqliteAdapter() : postgresAdapter();
    const url = dialect === 'sqlite' ? 'sqlite:///never-opened.db' : 'postgresql://nobody@127.0.0.1:1/never_connected';
    const env = createEnvironment(await loadConfig({ cwd: dir, url, env: {}, overrides: { adapter } }));
    const report = await findBranchConflicts(env, { scope: 'all' });

    const pairOf = (revision: string): number => Number(/^p(\d+)_/.exec(revision)![1]);
    const flagged = new Set<number>();
    for (const conflict of report.conflicts) {
      const [a, b] = [pairOf(conflict.first.revision), pairOf(conflict.second.revision)];
      expect(a, `a conflict across two pairs: ${conflict.message}`).toBe(b);
      flagged.add(a);
    }
    const same = pairs.flatMap((pair, i) => (pair.same ? [i] : []));
    const disjoint = pairs.flatMap((pair, i) => (pair.same ? [] : [i]));
    const missed = same.filter((i) => !flagged.has(i));
    const falseAlarms = disjoint.filter((i) => flagged.has(i));
    // eslint-disable-next-line no-console
    console.log(
      `${dialect}: ${same.length - missed.length}/${same.length} same-object pairs flagged, ` +
        `${falseAlarms.length}/${disjoint.length} disjoint pairs flagged, ${report.unreadable.length} unreadable statements`,
    );
    expect(report.unreadable).toEqual([]);
    expect(missed.map((i) => [code(pairs[i]!.first, i, dialect), code(pairs[i]!.second, i, dialect)])).toEqual([]);
    expect(falseAlarms.length).toBeLessThanOrEqual(disjoint.length / 100);
  });
});

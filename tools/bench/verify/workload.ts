/**
 * The bench's revision graph: 500 revisions with 20 merges, each revision a small DDL
 * change with its exact inverse, written twice: as cgmigrate migrations (`.ts`, one
 * `op.execute` per statement) and as the SQL files the `sqlite3` stairway reads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One revision: its id, parents and the SQL of each direction. */
export interface BenchRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly up: string;
  readonly down: string;
}

/** Revisions per merge segment: a linear part, two branches, the merge. */
const LINEAR = 4;
const BRANCH = 10;

/**
 * `segments` segments of `LINEAR` revisions in a line, then two branches of `BRANCH`
 * revisions from its tip, then the merge of both: 25 revisions and one merge each
 * (20 segments: 500 revisions, 20 merges). Each line creates tables, adds and drops
 * columns on them and indexes them, in turn; a merge creates a table.
 */
export function benchGraph(segments: number): BenchRevision[] {
  const revisions: BenchRevision[] = [];
  let n = 0;
  const next = (parents: readonly string[], line: Line, merge = false): string => {
    n += 1;
    const id = `r${String(n).padStart(4, '0')}`;
    const { up, down } = merge ? createTable(`m_${n}`) : change(n, line);
    revisions.push({ id, parents, up, down });
    return id;
  };
  let tip: string | undefined;
  const trunk: Line = { table: undefined };
  for (let segment = 0; segment < segments; segment++) {
    for (let i = 0; i < LINEAR; i++) tip = next(tip === undefined ? [] : [tip], trunk);
    const tips: string[] = [];
    for (let branch = 0; branch < 2; branch++) {
      const line: Line = { table: trunk.table };
      let at = tip!;
      for (let i = 0; i < BRANCH; i++) at = next([at], line);
      tips.push(at);
    }
    tip = next(tips, trunk, true);
  }
  return revisions;
}

/** The table a line of revisions works on: the last it created (or inherited from its fork). */
interface Line {
  table: string | undefined;
}

function change(n: number, line: Line): { up: string; down: string } {
  const kind = line.table === undefined ? 0 : n % 3;
  if (kind === 0) {
    line.table = `t_${n}`;
    return createTable(line.table);
  }
  if (kind === 1) return { up: `ALTER TABLE ${line.table} ADD COLUMN c_${n} INTEGER`, down: `ALTER TABLE ${line.table} DROP COLUMN c_${n}` };
  return { up: `CREATE INDEX ix_${n} ON ${line.table} (name)`, down: `DROP INDEX ix_${n}` };
}

function createTable(name: string): { up: string; down: string } {
  return {
    up: `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)`,
    down: `DROP TABLE ${name}`,
  };
}

/** Writes the cgmigrate project (`migrations/versions/*.ts`) and the stairway's SQL (`sql/<id>.up.sql`, `order.txt`). */
export function writeWorkload(dir: string, revisions: readonly BenchRevision[]): void {
  const versions = path.join(dir, 'migrations', 'versions');
  const sql = path.join(dir, 'sql');
  mkdirSync(versions, { recursive: true });
  mkdirSync(sql, { recursive: true });
  for (const revision of revisions) {
    const parents = revision.parents.length === 0 ? 'null' : revision.parents.length === 1 ? `'${revision.parents[0]}'` : `[${revision.parents.map((p) => `'${p}'`).join(', ')}]`;
    writeFileSync(
      path.join(versions, `${revision.id}_bench.ts`),
      `import type { Migration } from '@cloudguard/migrate-core';\n\n` +
        `export default {\n  revision: '${revision.id}',\n  downRevision: ${parents},\n  message: 'bench ${revision.id}',\n` +
        `  async up(op) {\n    await op.execute(${JSON.stringify(revision.up)});\n  },\n` +
        `  async down(op) {\n    await op.execute(${JSON.stringify(revision.down)});\n  },\n} satisfies Migration;\n`,
    );
    writeFileSync(path.join(sql, `${revision.id}.up.sql`), `${revision.up};\n`);
    writeFileSync(path.join(sql, `${revision.id}.down.sql`), `${revision.down};\n`);
  }
  // Creation order is an order parents first, as the stairway needs.
  writeFileSync(path.join(dir, 'order.txt'), `${revisions.map((revision) => revision.id).join('\n')}\n`);
  writeFileSync(path.join(dir, 'sqlite3-stairway.sh'), STAIRWAY_SCRIPT, { mode: 0o755 });
}

/**
 * The peer: the same stairway with the `sqlite3` CLI alone. Per revision one `sqlite3`
 * process applies the up, the down, dumps `.schema`, applies the up again and dumps
 * `.schema` (the next revision's before-dump); `cmp` compares the dump after the down
 * with the one before the up.
 */
const STAIRWAY_SCRIPT = `#!/bin/sh
# usage: sqlite3-stairway.sh DATABASE — run from the workload folder
set -e
db="$1"
rm -f "$db"
: > before.schema
while read -r r; do
  sqlite3 "$db" ".read sql/$r.up.sql" ".read sql/$r.down.sql" ".output after.schema" ".schema" ".output stdout" ".read sql/$r.up.sql" ".output next.schema" ".schema"
  cmp -s before.schema after.schema || { echo "down of $r left a trace" >&2; exit 1; }
  mv next.schema before.schema
done < order.txt
`;

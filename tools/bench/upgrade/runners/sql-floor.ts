/**
 * The floor: the same DDL and the same version-table changes as Alembic's offline
 * SQL, in one transaction, run by the database's own shell (`sqlite3 db < file.sql`,
 * `psql -1 -f file.sql`). No tool can do the work with less.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TwinRevision } from '../../../alembic/alembic-project.ts';
import { sh } from '../database.ts';
import type { ToolRunner } from './tool-runner.ts';

const VERSION_TABLE =
  'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));';

/** Alembic's offline upgrade script from base to the last of `revisions` (a line): the version table, each DDL, each version change. */
export function upgradeSql(revisions: readonly TwinRevision[]): string {
  const lines = [VERSION_TABLE];
  revisions.forEach((rev, index) => {
    lines.push(...rev.up.map((sql) => `${sql};`));
    lines.push(
      index === 0
        ? `INSERT INTO alembic_version (version_num) VALUES ('${rev.id}');`
        : `UPDATE alembic_version SET version_num='${rev.id}' WHERE alembic_version.version_num = '${revisions[index - 1]!.id}';`,
    );
  });
  return `${lines.join('\n')}\n`;
}

function downgradeSql(revisions: readonly TwinRevision[]): string {
  const lines: string[] = [];
  [...revisions].reverse().forEach((rev, index, reversed) => {
    lines.push(...rev.down.map((sql) => `${sql};`));
    const parent = reversed[index + 1];
    lines.push(
      parent === undefined
        ? `DELETE FROM alembic_version WHERE alembic_version.version_num = '${rev.id}';`
        : `UPDATE alembic_version SET version_num='${parent.id}' WHERE alembic_version.version_num = '${rev.id}';`,
    );
  });
  return `${lines.join('\n')}\n`;
}

export const sqlFloor: ToolRunner = {
  name: 'floor',
  label: 'floor: the same SQL',
  dialects: ['sqlite', 'postgresql'],
  write(dir, graph, db) {
    mkdirSync(dir, { recursive: true });
    const up = path.join(dir, 'upgrade.sql');
    const down = path.join(dir, 'downgrade.sql');
    if (db.dialect === 'sqlite') {
      // sqlite3 commits each statement on its own unless told otherwise: one transaction, as psql -1.
      writeFileSync(up, `BEGIN;\n${upgradeSql(graph.revisions)}COMMIT;\n`);
      writeFileSync(down, `BEGIN;\n${downgradeSql(graph.revisions)}COMMIT;\n`);
      return { dir, upgrade: `sqlite3 ${sh(db.target)} < ${sh(up)}`, downgrade: `sqlite3 ${sh(db.target)} < ${sh(down)}` };
    }
    writeFileSync(up, upgradeSql(graph.revisions));
    writeFileSync(down, downgradeSql(graph.revisions));
    const psql = `psql ${sh(db.url)} -q -X -v ON_ERROR_STOP=1 -1`;
    return { dir, upgrade: `${psql} -f ${sh(up)}`, downgrade: `${psql} -f ${sh(down)}` };
  },
};

/**
 * The floor: Alembic's offline SQL (the version table, the 20 migrations' DDL, the
 * version rows) run by the database's own shell, one session and one transaction per
 * tenant, the tenants one after the other: `sqlite3 <tenant>.db < upgrade.sql`, or
 * `psql -1 -c 'SET search_path TO <schema>' -f upgrade.sql`. A fleet command sends the
 * same statements to the same tenants; what it may add to this is its own start-up
 * and bookkeeping, and what it may save is running tenants side by side.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../../upgrade/database.ts';
import { upgradeSql } from '../../upgrade/runners/sql-floor.ts';
import type { FleetTool } from './fleet-tool.ts';

export const sqlFloorLoop: FleetTool = {
  name: 'floor-loop',
  label: 'floor: the same SQL, a session per tenant',
  dialects: ['sqlite', 'postgresql'],
  shape: 'process per tenant',
  write(dir, graph, tenants) {
    const sql = path.join(dir, 'upgrade.sql');
    const script = path.join(dir, 'upgrade-each.sh');
    if (tenants.dialect === 'sqlite') {
      // sqlite3 commits each statement on its own unless told otherwise: one transaction, as psql -1.
      writeFileSync(sql, `BEGIN;\n${upgradeSql(graph.revisions)}COMMIT;\n`);
      writeFileSync(script, `for file in $(cat ${sh(tenants.filesFile)}); do\n  sqlite3 "$file" < ${sh(sql)} || exit 1\ndone\n`);
    } else {
      writeFileSync(sql, upgradeSql(graph.revisions));
      const psql = `psql ${sh(tenants.databaseUrl)} -q -X -v ON_ERROR_STOP=1 -1`;
      writeFileSync(
        script,
        `for schema in $(cat ${sh(tenants.schemasFile)}); do\n  ${psql} -c "SET search_path TO \\"$schema\\"" -f ${sh(sql)} || exit 1\ndone\n`,
      );
    }
    return `sh ${sh(script)}`;
  },
};

/** node-pg-migrate 9's CLI (PostgreSQL only), with its defaults: one transaction for the run, its lock. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../database.ts';
import { NODE, quote, REPO_NODE_MODULES, slug, type ToolRunner } from './tool-runner.ts';

/** The installed node-pg-migrate version. */
export function nodePgMigrateVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_NODE_MODULES, 'node-pg-migrate', 'package.json'), 'utf8')) as { version: string }).version;
}

export const nodePgMigrate: ToolRunner = {
  name: 'node-pg-migrate',
  label: 'node-pg-migrate',
  dialects: ['postgresql'],
  write(dir, graph, db) {
    const migrations = path.join(dir, 'migrations');
    mkdirSync(migrations, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-node-pg-migrate', private: true, type: 'commonjs' })}\n`);
    graph.revisions.forEach((rev, index) => {
      const body = (statements: readonly string[]) => statements.map((sql) => `  pgm.sql(${quote(sql)});\n`).join('');
      writeFileSync(
        path.join(migrations, `${String(index).padStart(5, '0')}_${slug(rev.message ?? rev.id)}.js`),
        `exports.up = (pgm) => {\n${body(rev.up)}};\n\nexports.down = (pgm) => {\n${body(rev.down)}};\n`,
      );
    });
    const cli =
      `DATABASE_URL=${sh(db.url)} ${sh(NODE)} ${sh(path.join(REPO_NODE_MODULES, 'node-pg-migrate', 'bin', 'node-pg-migrate.js'))} ` +
      `-m ${sh(migrations)} --no-verbose`;
    return { dir, upgrade: `${cli} up`, downgrade: `${cli} down ${graph.revisions.length}` };
  },
};

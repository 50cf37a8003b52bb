/** knex's CLI (`node_modules/.bin/knex`) with better-sqlite3 or pg, migrations as CommonJS files. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../database.ts';
import { linkNodeModules, NODE, quote, REPO_NODE_MODULES, slug, type ToolRunner } from './tool-runner.ts';

/** The installed knex version. */
export function knexVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_NODE_MODULES, 'knex', 'package.json'), 'utf8')) as { version: string }).version;
}

export const knex: ToolRunner = {
  name: 'knex',
  label: 'knex',
  dialects: ['sqlite', 'postgresql'],
  write(dir, graph, db) {
    const migrations = path.join(dir, 'migrations');
    mkdirSync(migrations, { recursive: true });
    linkNodeModules(dir);
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-knex', private: true, type: 'commonjs' })}\n`);
    const connection =
      db.dialect === 'sqlite' ? `client: 'better-sqlite3',\n  connection: { filename: ${quote(db.target)} },\n  useNullAsDefault: true,` : `client: 'pg',\n  connection: ${quote(db.url)},`;
    writeFileSync(
      path.join(dir, 'knexfile.js'),
      `module.exports = {\n  ${connection}\n  migrations: { directory: ${quote(migrations)} },\n};\n`,
    );
    graph.revisions.forEach((rev, index) => {
      const body = (statements: readonly string[]) => statements.map((sql) => `  await knex.raw(${quote(sql)});\n`).join('');
      writeFileSync(
        path.join(migrations, `${String(index).padStart(5, '0')}_${slug(rev.message ?? rev.id)}.js`),
        `/** @param {import('knex').Knex} knex */\nexports.up = async (knex) => {\n${body(rev.up)}};\n\n` +
          `/** @param {import('knex').Knex} knex */\nexports.down = async (knex) => {\n${body(rev.down)}};\n`,
      );
    });
    const cli = `${sh(NODE)} ${sh(path.join(REPO_NODE_MODULES, 'knex', 'bin', 'cli.js'))} --knexfile ${sh(path.join(dir, 'knexfile.js'))}`;
    return { dir, upgrade: `${cli} migrate:latest`, downgrade: `${cli} migrate:rollback --all` };
  },
};

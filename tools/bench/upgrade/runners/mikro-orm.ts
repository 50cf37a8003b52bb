/**
 * MikroORM 7's own CLI (`mikro-orm migration:up` / `migration:down --to 0`) with
 * @mikro-orm/migrations, migrations as the JavaScript classes its Migrator loads,
 * and its defaults (one transaction for the whole run).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../database.ts';
import { linkNodeModules, NODE, quote, REPO_NODE_MODULES, type ToolRunner } from './tool-runner.ts';

/** The installed MikroORM CLI version. */
export function mikroOrmVersion(): string {
  return (JSON.parse(readFileSync(path.join(REPO_NODE_MODULES, '@mikro-orm', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
}

export const mikroOrm: ToolRunner = {
  name: 'mikro-orm',
  label: 'MikroORM CLI',
  dialects: ['sqlite', 'postgresql'],
  write(dir, graph, db) {
    const migrations = path.join(dir, 'migrations');
    mkdirSync(migrations, { recursive: true });
    linkNodeModules(dir);
    const driver = db.dialect === 'sqlite' ? '@mikro-orm/sqlite' : '@mikro-orm/postgresql';
    // The CLI refuses to run unless the project's package.json names it as a dependency.
    const dependencies = Object.fromEntries(['@mikro-orm/cli', '@mikro-orm/core', '@mikro-orm/migrations', driver].map((name) => [name, '7.2.1']));
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-mikro-orm', private: true, type: 'module', dependencies })}\n`);
    const connection = db.dialect === 'sqlite' ? `dbName: ${quote(db.target)},` : `clientUrl: ${quote(db.url)},`;
    writeFileSync(
      path.join(dir, 'mikro-orm.config.js'),
      `import { defineConfig } from '${driver}';\nimport { Migrator } from '@mikro-orm/migrations';\n\n` +
        `export default defineConfig({\n  ${connection}\n  entities: [],\n  discovery: { warnWhenNoEntities: false },\n` +
        `  extensions: [Migrator],\n  preferTs: false,\n  debug: false,\n  migrations: { path: ${quote(migrations)}, glob: '*.js', silent: true },\n});\n`,
    );
    graph.revisions.forEach((rev, index) => {
      const body = (statements: readonly string[]) => statements.map((sql) => `    this.addSql(${quote(sql)});\n`).join('');
      const name = `Migration${String(index).padStart(5, '0')}`;
      writeFileSync(
        path.join(migrations, `${name}.js`),
        `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${name} extends Migration {\n` +
          `  async up() {\n${body(rev.up)}  }\n\n  async down() {\n${body(rev.down)}  }\n}\n`,
      );
    });
    const cli = `${sh(NODE)} ${sh(path.join(REPO_NODE_MODULES, '@mikro-orm', 'cli', 'cli.js'))}`;
    const config = `--config ${sh(path.join(dir, 'mikro-orm.config.js'))}`;
    return { dir, upgrade: `${cli} migration:up ${config}`, downgrade: `${cli} migration:down --to 0 ${config}` };
  },
};

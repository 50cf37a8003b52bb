/**
 * Writes one tool's project for one dialect and one starting point: the model (as
 * MikroORM entities or SQLAlchemy tables), the tool's config pointing at a database
 * of its own, and an empty versions folder. Databases: an SQLite file in the project,
 * or a fresh PostgreSQL database per project.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { entitiesModule } from './entities-source.ts';
import type { ModelTable } from './model.ts';
import { sqlalchemyModule } from './sqlalchemy-source.ts';

export type Dialect = 'sqlite' | 'postgresql';
export type Tool = 'cgmigrate' | 'alembic' | 'mikro-orm';

const REPO_NODE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));
/** The PostgreSQL server the bench creates its databases on (as the tests': trust, user postgres). */
export const PG_SERVER = process.env['CGMIGRATE_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A written project. */
export interface ToolProject {
  readonly tool: Tool;
  readonly dialect: Dialect;
  readonly dir: string;
  /** Where the tool writes new migration files. */
  readonly versionsDir: string;
  /** The database, as the tool's URL. */
  readonly url: string;
  /** The PostgreSQL database to drop afterwards. */
  readonly pgDatabase?: string;
}

/** Writes `tool`'s project for `model` into `dir`, with a new, empty database. */
export function writeToolProject(tool: Tool, dialect: Dialect, dir: string, model: readonly ModelTable[], id: string): ToolProject {
  mkdirSync(dir, { recursive: true });
  const database = dialect === 'sqlite' ? undefined : createPgDatabase(`cgbench_${id.replace(/\W/g, '_')}`);
  const sqliteFile = path.join(dir, 'bench.db');
  const url = database?.url ?? `sqlite:///${sqliteFile}`;
  const versionsDir = writeFiles(tool, dialect, dir, model, { url, sqliteFile, pgDatabase: database?.name });
  return { tool, dialect, dir, versionsDir, url, ...(database ? { pgDatabase: database.name } : {}) };
}

interface Target {
  readonly url: string;
  readonly sqliteFile: string;
  readonly pgDatabase: string | undefined;
}

function writeFiles(tool: Tool, dialect: Dialect, dir: string, model: readonly ModelTable[], target: Target): string {
  if (tool === 'alembic') return writeAlembic(dir, model, dialect === 'sqlite' ? `sqlite:///${target.sqliteFile}` : target.url);
  // Both Node tools import @mikro-orm/* from the project, as a service's config does.
  symlinkSync(REPO_NODE_MODULES, path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'entities.mjs'), entitiesModule(model));
  if (tool === 'cgmigrate') {
    const versions = path.join(dir, 'migrations', 'versions');
    mkdirSync(versions, { recursive: true });
    writeFileSync(
      path.join(dir, 'cgmigrate.config.mjs'),
      `import { entities } from './entities.mjs';\n\nexport default { url: ${JSON.stringify(target.url)}, entities };\n`,
    );
    return versions;
  }
  const migrations = path.join(dir, 'migrations');
  mkdirSync(migrations, { recursive: true });
  // MikroORM's CLI refuses to run unless the project lists it as a dependency. No "type": the config is
  // ESM by Node's syntax detection, and the migrations MikroORM emits are CommonJS.
  const dependencies = Object.fromEntries(['cli', 'core', 'migrations', 'sqlite', 'postgresql'].map((name) => [`@mikro-orm/${name}`, '7.2.1']));
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-mikro-orm', private: true, dependencies }, null, 2)}\n`);
  const driver = dialect === 'sqlite' ? '@mikro-orm/sqlite' : '@mikro-orm/postgresql';
  const connection =
    dialect === 'sqlite' ? `dbName: ${JSON.stringify(target.sqliteFile)}` : `clientUrl: ${JSON.stringify(target.url)}`;
  writeFileSync(
    path.join(dir, 'mikro-orm.config.js'),
    `import { defineConfig } from '${driver}';\nimport { Migrator } from '@mikro-orm/migrations';\nimport { entities } from './entities.mjs';\n\n` +
      // No snapshot: like cgmigrate and Alembic, it compares the entities with the database itself.
      `export default defineConfig({ ${connection}, entities, extensions: [Migrator], debug: false,\n` +
      `  migrations: { path: ${JSON.stringify(migrations)}, snapshot: false, emit: 'js' } });\n`,
  );
  return migrations;
}

const ALEMBIC_ENV = `import sys
from logging.config import fileConfig
from alembic import context
from sqlalchemy import engine_from_config, pool

sys.path.insert(0, context.config.get_main_option('script_location'))
from models import metadata

config = context.config
fileConfig(config.config_file_name)
connectable = engine_from_config(config.get_section(config.config_ini_section), prefix='sqlalchemy.', poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
`;

const ALEMBIC_TEMPLATE = `"""\${message}"""
from alembic import op
import sqlalchemy as sa
\${imports if imports else ""}
revision = \${repr(up_revision)}
down_revision = \${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade():
    \${upgrades if upgrades else "pass"}


def downgrade():
    \${downgrades if downgrades else "pass"}
`;

/** The logging of \`alembic init\`'s alembic.ini: Alembic prints each change it detects. */
const ALEMBIC_LOGGING = `[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
`;

function writeAlembic(dir: string, model: readonly ModelTable[], url: string): string {
  const versions = path.join(dir, 'versions');
  mkdirSync(versions, { recursive: true });
  const sqlalchemyUrl = url.replace(/^postgresql:\/\//, 'postgresql+psycopg2://');
  writeFileSync(path.join(dir, 'alembic.ini'), `[alembic]\nscript_location = ${dir}\nsqlalchemy.url = ${sqlalchemyUrl}\n\n${ALEMBIC_LOGGING}`);
  writeFileSync(path.join(dir, 'env.py'), ALEMBIC_ENV);
  writeFileSync(path.join(dir, 'script.py.mako'), ALEMBIC_TEMPLATE);
  writeFileSync(path.join(dir, 'models.py'), sqlalchemyModule(model));
  return versions;
}

function createPgDatabase(name: string): { name: string; url: string } {
  psql(`DROP DATABASE IF EXISTS ${name}`);
  psql(`CREATE DATABASE ${name}`);
  const url = new URL(PG_SERVER);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops a database the bench created. */
export function dropPgDatabase(name: string): void {
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

function psql(sql: string): void {
  execFileSync('psql', [PG_SERVER, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

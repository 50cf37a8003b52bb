/**
 * Writes one workload to disk: the same revisions as a cgmigrate project (the real
 * revision template), as an Alembic project and, with the same number of files, as
 * a knex project.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_REVISION_TEMPLATE } from '@cloudguard/migrate-core';
import { writeAlembicProject, type TwinRevision } from '../../alembic/alembic-project.ts';
import type { RevisionGraph } from './graph.ts';

/** Where each tool's project and database of one workload live. */
export interface WorkloadPaths {
  readonly root: string;
  readonly cgmigrate: { readonly dir: string; readonly database: string };
  readonly alembic: { readonly dir: string; readonly ini: string; readonly database: string };
  readonly knex: { readonly dir: string; readonly knexfile: string; readonly database: string };
}

/** The date in every generated file; fixed so that runs are byte-for-byte alike. */
const CREATE_DATE = '2024-01-01 00:00:00 UTC';

/** Lays out the three projects of `graph` under `root`. */
export function writeWorkload(root: string, graph: RevisionGraph): WorkloadPaths {
  const paths = workloadPaths(root);
  writeCgmigrateProject(paths.cgmigrate.dir, paths.cgmigrate.database, graph.revisions);
  writeAlembicProject(paths.alembic.dir, sqliteUrl(paths.alembic.database), graph.revisions);
  writeKnexProject(paths.knex.dir, paths.knex.database, graph.revisions);
  return paths;
}

function workloadPaths(root: string): WorkloadPaths {
  const cgmigrate = path.join(root, 'cgmigrate');
  const alembic = path.join(root, 'alembic');
  const knex = path.join(root, 'knex');
  return {
    root,
    cgmigrate: { dir: cgmigrate, database: path.join(cgmigrate, 'cgmigrate.db') },
    alembic: { dir: alembic, ini: path.join(alembic, 'alembic.ini'), database: path.join(alembic, 'alembic.db') },
    knex: { dir: knex, knexfile: path.join(knex, 'knexfile.js'), database: path.join(knex, 'knex.db') },
  };
}

/** SQLAlchemy's spelling of an absolute SQLite path, which cgmigrate shares. */
function sqliteUrl(file: string): string {
  return `sqlite:///${file}`;
}

function writeCgmigrateProject(dir: string, database: string, revisions: readonly TwinRevision[]): void {
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-project', private: true, type: 'module' })}\n`);
  writeFileSync(
    path.join(dir, 'cgmigrate.config.json'),
    `${JSON.stringify({ url: sqliteUrl(database), scriptLocation: 'migrations' }, null, 2)}\n`,
  );
  for (const rev of revisions) {
    writeFileSync(path.join(versions, `20240101_${rev.id}_${slug(rev)}.ts`), renderMigration(rev));
  }
}

/** The project's own template, filled as `cgmigrate revision` fills it. */
function renderMigration(rev: TwinRevision): string {
  const message = rev.message ?? rev.id;
  const body = (statements: readonly string[]) => statements.map((sql) => `    await op.execute(${quote(sql)});`).join('\n');
  const values: Readonly<Record<string, string>> = {
    message,
    revisionId: rev.id,
    revises: rev.parents.join(', '),
    createDate: CREATE_DATE,
    revision: quote(rev.id),
    downRevision: listLiteral(rev.parents),
    branchLabels: 'null',
    dependsOn: 'null',
    messageLiteral: quote(message),
    upgrades: body(rev.up),
    downgrades: body(rev.down),
  };
  return DEFAULT_REVISION_TEMPLATE.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the revision template has a placeholder the bench does not fill: ${name}`);
    return value;
  });
}

function writeKnexProject(dir: string, database: string, revisions: readonly TwinRevision[]): void {
  const migrations = path.join(dir, 'migrations');
  mkdirSync(migrations, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-knex', private: true, type: 'commonjs' })}\n`);
  writeFileSync(
    path.join(dir, 'knexfile.js'),
    `module.exports = {\n  client: 'better-sqlite3',\n  connection: { filename: ${quote(database)} },\n` +
      `  useNullAsDefault: true,\n  migrations: { directory: ${quote(migrations)} },\n};\n`,
  );
  revisions.forEach((rev, index) => {
    const file = `${String(index).padStart(5, '0')}_${slug(rev)}.js`;
    const body = (statements: readonly string[]) => statements.map((sql) => `  await knex.raw(${quote(sql)});\n`).join('');
    writeFileSync(
      path.join(migrations, file),
      `/** @param {import('knex').Knex} knex */\nexports.up = async (knex) => {\n${body(rev.up)}};\n\n` +
        `/** @param {import('knex').Knex} knex */\nexports.down = async (knex) => {\n${body(rev.down)}};\n`,
    );
  });
}

function slug(rev: TwinRevision): string {
  return (rev.message ?? rev.id).toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function listLiteral(ids: readonly string[]): string {
  if (ids.length === 0) return 'null';
  if (ids.length === 1) return quote(ids[0] ?? '');
  return `[${ids.map(quote).join(', ')}]`;
}

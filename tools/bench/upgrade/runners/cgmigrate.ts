/**
 * The built cgmigrate CLI on a project whose migrations are `.ts` files filled from
 * the real revision template, as `cgmigrate revision` writes them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REVISION_TEMPLATE } from '@cloudguard/migrate-core';
import type { TwinRevision } from '../../../alembic/alembic-project.ts';
import type { RevisionGraph } from '../../revision-graph/graph.ts';
import { sh } from '../database.ts';
import { NODE, quote, slug, type ToolRunner } from './tool-runner.ts';

const CLI_DIR = new URL('../../../../packages/cli/', import.meta.url);

/** The built executable; `npx nx run-many -t build` makes it current. */
export const CGMIGRATE_BIN = fileURLToPath(new URL('bin/run.js', CLI_DIR));

/** Fails with the build command when the CLI has not been built. */
export function assertCgmigrateBuilt(): void {
  for (const built of ['oclif.manifest.json', 'dist/commands/upgrade.js']) {
    if (!existsSync(fileURLToPath(new URL(built, CLI_DIR)))) {
      throw new Error(`The CLI is not built (no ${built}): run \`npx nx run-many -t build\` first.`);
    }
  }
}

/** The date in every generated file; fixed so that runs are byte-for-byte alike. */
const CREATE_DATE = '2024-01-01 00:00:00 UTC';

/** How a migration says what it does: raw SQL (`op.execute`), or portable schema operations. */
export type MigrationStyle = 'sql' | 'operations';

/** The bench's one table, `CREATE TABLE t_00042 (id INTEGER PRIMARY KEY, name VARCHAR(50))`, as operations. */
const BENCH_TABLE = /^CREATE TABLE (\w+) \(id INTEGER PRIMARY KEY, name VARCHAR\(50\)\)$/;

/** The up and down bodies of a revision in a style. */
function bodies(rev: TwinRevision, style: MigrationStyle): { up: string; down: string } {
  const execute = (statements: readonly string[]) => statements.map((sql) => `    await op.execute(${quote(sql)});`).join('\n');
  if (style === 'sql') return { up: execute(rev.up), down: execute(rev.down) };
  const tables = rev.up.map((sql) => {
    const table = BENCH_TABLE.exec(sql)?.[1];
    if (table === undefined) throw new Error(`the operations runner knows only the bench's CREATE TABLE, not: ${sql}`);
    return table;
  });
  return {
    up: tables
      .map((table) => `    await op.createTable(${quote(table)}, {\n      id: { type: 'integer', primaryKey: true },\n      name: { type: 'string', length: 50 },\n    });`)
      .join('\n'),
    down: [...tables].reverse().map((table) => `    await op.dropTable(${quote(table)});`).join('\n'),
  };
}

/** The project's own template, filled as `cgmigrate revision` fills it. */
function renderMigration(rev: TwinRevision, style: MigrationStyle): string {
  const message = rev.message ?? rev.id;
  const { up, down } = bodies(rev, style);
  const values: Readonly<Record<string, string>> = {
    message,
    revisionId: rev.id,
    revises: rev.parents.join(', '),
    createDate: CREATE_DATE,
    revision: quote(rev.id),
    downRevision: rev.parents.length === 0 ? 'null' : rev.parents.length === 1 ? quote(rev.parents[0]!) : `[${rev.parents.map(quote).join(', ')}]`,
    branchLabels: 'null',
    dependsOn: 'null',
    messageLiteral: quote(message),
    upgrades: up,
    downgrades: down,
  };
  return DEFAULT_REVISION_TEMPLATE.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`the revision template has a placeholder the bench does not fill: ${name}`);
    return value;
  });
}

/**
 * Writes a cgmigrate project for `graph` in `dir`: `package.json`, `cgmigrate.config.json`
 * (with `url` when given; otherwise each command names its database) and one `.ts`
 * migration per revision from the real revision template.
 */
export function writeCgmigrateBenchProject(dir: string, graph: RevisionGraph, name: string, url: string | undefined, style: MigrationStyle = 'sql'): void {
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `bench-${name}`, private: true, type: 'module' })}\n`);
  const config = url === undefined ? { scriptLocation: 'migrations' } : { url, scriptLocation: 'migrations' };
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  for (const rev of graph.revisions) {
    writeFileSync(path.join(versions, `20240101_${rev.id}_${slug(rev.message ?? rev.id)}.ts`), renderMigration(rev, style));
  }
}

/**
 * cgmigrate's runner for the CLI at `bin`: the one built in this checkout, or, with
 * `--baseline`, another checkout's build timed beside it in the same passes.
 */
export function cgmigrateRunner(bin: string, name: string, label: string, style: MigrationStyle = 'sql'): ToolRunner {
  return {
    name,
    label,
    dialects: ['sqlite', 'postgresql'],
    write(dir, graph, db) {
      writeCgmigrateBenchProject(dir, graph, name, db.url, style);
      const cli = `${sh(NODE)} ${sh(bin)}`;
      return { dir, upgrade: `${cli} upgrade head --quiet`, downgrade: `${cli} downgrade base --quiet` };
    },
  };
}

export const cgmigrate: ToolRunner = cgmigrateRunner(CGMIGRATE_BIN, 'cgmigrate', 'cgmigrate');

/** The same CLI on the same tables, each migration written with `op.createTable` / `op.dropTable` (issue 19). */
export const cgmigrateOperations: ToolRunner = cgmigrateRunner(CGMIGRATE_BIN, 'cgmigrate-ops', 'cgmigrate, schema operations', 'operations');

/**
 * The built cgmigrate CLI on a project whose migrations are `.ts` files filled from
 * the real revision template, as `cgmigrate revision` writes them.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REVISION_TEMPLATE } from '@cloudguard/migrate-core';
import type { TwinRevision } from '../../../alembic/alembic-project.ts';
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
    downRevision: rev.parents.length === 0 ? 'null' : rev.parents.length === 1 ? quote(rev.parents[0]!) : `[${rev.parents.map(quote).join(', ')}]`,
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

/**
 * cgmigrate's runner for the CLI at `bin`: the one built in this checkout, or, with
 * `--baseline`, another checkout's build timed beside it in the same passes.
 */
export function cgmigrateRunner(bin: string, name: string, label: string): ToolRunner {
  return {
    name,
    label,
    dialects: ['sqlite', 'postgresql'],
    write(dir, graph, db) {
      const versions = path.join(dir, 'migrations', 'versions');
      mkdirSync(versions, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: `bench-${name}`, private: true, type: 'module' })}\n`);
      writeFileSync(path.join(dir, 'cgmigrate.config.json'), `${JSON.stringify({ url: db.url, scriptLocation: 'migrations' }, null, 2)}\n`);
      for (const rev of graph.revisions) {
        writeFileSync(path.join(versions, `20240101_${rev.id}_${slug(rev.message ?? rev.id)}.ts`), renderMigration(rev));
      }
      const cli = `${sh(NODE)} ${sh(bin)}`;
      return { dir, upgrade: `${cli} upgrade head --quiet`, downgrade: `${cli} downgrade base --quiet` };
    },
  };
}

export const cgmigrate: ToolRunner = cgmigrateRunner(CGMIGRATE_BIN, 'cgmigrate', 'cgmigrate');

/**
 * A MikroORM 7 service's project for the `orm.migrator` tests on PostgreSQL: package.json,
 * a cgmigrate.config.ts without a URL (so the ORM's own database is migrated), ordinary
 * cgmigrate migrations that log themselves in `applied_log`, and the service
 * (`service.ts`: MikroORM on `ORM_URL`, migrating at start-up), with the repository's
 * node_modules linked in as a service's would be installed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { onCleanup } from './fixtures.js';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The cgmigrate CLI. */
export const CGMIGRATE = path.join(REPO, 'packages/cli/bin/run.js');

/** a1 ← b2 ← c3; b2 waits `PAUSE_MS` (from the environment), so that services started together meet at the lock. */
const MIGRATIONS: Record<string, string> = {
  '20250101_a1_create_scans.ts': migration('a1', null, [
    'CREATE TABLE applied_log (revision VARCHAR(32) NOT NULL, pid INTEGER NOT NULL)',
    'CREATE TABLE scans (id SERIAL PRIMARY KEY, account VARCHAR(64) NOT NULL)',
  ], ['DROP TABLE scans', 'DROP TABLE applied_log']),
  '20250102_b2_add_findings.ts': migration('b2', 'a1', ['CREATE TABLE findings (id SERIAL PRIMARY KEY, scan_id INTEGER NOT NULL REFERENCES scans (id))'], ['DROP TABLE findings'], true),
  '20250103_c3_add_tags.ts': migration('c3', 'b2', ['CREATE TABLE tags (id SERIAL PRIMARY KEY, tag VARCHAR(32) NOT NULL)'], ['DROP TABLE tags']),
};

function migration(revision: string, downRevision: string | null, up: string[], down: string[], pauses = false): string {
  const statements = (list: string[]) => list.map((sql) => `    await op.execute(${JSON.stringify(sql)});\n`).join('');
  const pause = pauses ? "    await new Promise((resolve) => setTimeout(resolve, Number(process.env['PAUSE_MS'] ?? 0)));\n" : '';
  return `import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: '${revision}',
  downRevision: ${JSON.stringify(downRevision)},
  message: 'Revision ${revision}',
  async up(op) {
${statements(up)}    await op.execute(\`INSERT INTO applied_log (revision, pid) VALUES ('${revision}', \${process.pid})\`);
${pause}  },
  async down(op) {
    await op.execute("DELETE FROM applied_log WHERE revision = '${revision}'");
${statements(down)}  },
} satisfies Migration;
`;
}

/** The service: MikroORM on `ORM_URL` with cgmigrate's migrator, migrating at start-up; its last line is what `up()` applied. */
const SERVICE = `import { defineEntity, MikroORM, p } from '@mikro-orm/postgresql';
import { cgmigrateMigrator } from '@cloudguard/migrate-adapter-postgres/mikro-orm';

const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary(), account: p.string() } });
const orm = await MikroORM.init({ clientUrl: process.env.ORM_URL, entities: [Scan], extensions: [cgmigrateMigrator()], debug: false });
const applied = await orm.migrator.up();
console.log(JSON.stringify(applied.map((migration) => migration.name)));
await orm.close();
`;

/** What a project holds besides the three revisions, package.json and node_modules. */
export interface OrmProjectFiles {
  /** `cgmigrate.config.ts`; by default, one without a URL. */
  readonly cgmigrateConfig?: string | undefined;
  /** `service.ts`. */
  readonly service?: string | undefined;
  /** `entities.ts`, which the default service does without (it defines its entity itself). */
  readonly entities?: string | undefined;
  /** More files in `migrations/versions/`, by name. */
  readonly migrations?: Readonly<Record<string, string>> | undefined;
}

/** A fresh project, removed after the test. */
export function ormProject(files: OrmProjectFiles = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-orm-migrator-pg-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), files.cgmigrateConfig ?? "export default { scriptLocation: 'migrations' };\n");
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const [file, text] of Object.entries({ ...MIGRATIONS, ...files.migrations })) writeFileSync(path.join(dir, 'migrations', 'versions', file), text);
  if (files.entities !== undefined) writeFileSync(path.join(dir, 'entities.ts'), files.entities);
  writeFileSync(path.join(dir, 'service.ts'), files.service ?? SERVICE);
  return dir;
}

/** Runs a command to its end, with colours off and no `DATABASE_URL` from the test's environment. */
export function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, DATABASE_URL: undefined, NO_COLOR: '1', FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A MikroORM 7 service's project for the `orm.migrator` tests: package.json, a
 * cgmigrate.config.ts (without a URL unless given one, so the ORM's own file is migrated),
 * ordinary cgmigrate migrations that log themselves in `applied_log`, the entity
 * (`entities.ts`), MikroORM's config (`mikro-orm.config.ts`, on `app.db`) and the service
 * (`service.ts`, migrating at start-up), with the repository's node_modules linked in as a
 * service's would be installed.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';
import { afterEach } from 'vitest';

export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The cgmigrate CLI. */
export const CGMIGRATE = path.join(REPO, 'packages/cli/bin/run.js');

/**
 * The three revisions, a1 ← b2 ← c3; b2 takes `PAUSE_MS` (from the environment) more, so
 * that services started together meet at the lock for longer than the second after which
 * the one waiting says so.
 */
const MIGRATIONS: Record<string, string> = {
  '20250101_a1_create_scans.ts': migration('a1', null, 'Create scans', [
    'CREATE TABLE applied_log (revision VARCHAR(32) NOT NULL, pid INTEGER NOT NULL)',
    'CREATE TABLE scans (id INTEGER PRIMARY KEY, account VARCHAR(64) NOT NULL)',
  ], ['DROP TABLE scans', 'DROP TABLE applied_log']),
  '20250102_b2_add_findings.ts': migration('b2', 'a1', 'Add findings', ['CREATE TABLE findings (id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL)'], ['DROP TABLE findings'], true),
  '20250103_c3_add_tags.ts': migration('c3', 'b2', 'Add tags', ['CREATE TABLE tags (id INTEGER PRIMARY KEY, tag VARCHAR(32) NOT NULL)'], ['DROP TABLE tags']),
};

function migration(revision: string, downRevision: string | null, message: string, up: string[], down: string[], pauses = false): string {
  const statements = (list: string[]) => list.map((sql) => `    await op.execute(${JSON.stringify(sql)});\n`).join('');
  const pause = pauses ? "    await new Promise((resolve) => setTimeout(resolve, Number(process.env['PAUSE_MS'] ?? 0)));\n" : '';
  return `import type { Migration } from '@cloudguard/migrate-core';

export default {
  revision: '${revision}',
  downRevision: ${JSON.stringify(downRevision)},
  message: '${message}',
  async up(op) {
${statements(up)}    await op.execute(\`INSERT INTO applied_log (revision, pid) VALUES ('${revision}', \${process.pid})\`);
${pause}  },
  async down(op) {
    await op.execute("DELETE FROM applied_log WHERE revision = '${revision}'");
${statements(down)}  },
} satisfies Migration;
`;
}

/** The entity the service's ORM maps. */
const ENTITIES = `import { defineEntity, p } from '@mikro-orm/sqlite';

export const Scan = defineEntity({ name: 'Scan', tableName: 'scans', properties: { id: p.integer().primary(), account: p.string() } });
`;

/** MikroORM's config, with cgmigrate's migrator (docs/mikro-orm.md shows the same, and the CLI test runs that one). */
const MIKRO_ORM_CONFIG = `import { defineConfig } from '@mikro-orm/sqlite';
import { cgmigrateMigrator } from '@cloudguard/migrate-adapter-sqlite/mikro-orm';

import { Scan } from './entities.ts';

export default defineConfig({ dbName: 'app.db', entities: [Scan], extensions: [cgmigrateMigrator()] });
`;

/** The service, migrating at start-up (docs/mikro-orm.md shows the same, and the migrator test runs that one). */
const SERVICE = `import { MikroORM } from '@mikro-orm/sqlite';

import config from './mikro-orm.config.ts';

const orm = await MikroORM.init(config);
await orm.migrator.up();
await orm.close();
`;

/** What a project holds besides its migrations and node_modules. */
export interface OrmProjectFiles {
  /** `cgmigrate.config.ts`; by default, one without a URL. */
  readonly cgmigrateConfig?: string | undefined;
  /** `mikro-orm.config.ts`. */
  readonly mikroOrmConfig?: string | undefined;
  /** `service.ts`. */
  readonly service?: string | undefined;
  /** `entities.ts`; by default, the `Scan` entity. */
  readonly entities?: string | undefined;
  /** More files in `migrations/versions/`, by name. */
  readonly migrations?: Readonly<Record<string, string>> | undefined;
}

/**
 * A MikroORM migration class after c3, as `mikro-orm migration:create` writes one, with the
 * static revision and downRevision that make it a revision.
 */
export const CLASS_MIGRATION = {
  'Migration20250104000000.ts': `import { Migration } from '@mikro-orm/migrations';

export class Migration20250104000000 extends Migration {
  static revision = '20250104000000';
  static downRevision = 'c3';

  async up() {
    this.addSql('create table reports (id integer primary key, title varchar(64) not null)');
    this.addSql(\`insert into applied_log (revision, pid) values ('20250104000000', \${process.pid})\`);
  }

  async down() {
    this.addSql("delete from applied_log where revision = '20250104000000'");
    this.addSql('drop table reports');
  }
}
`,
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `cleanup` after the test, the last registered first. */
export function afterTest(cleanup: () => unknown): void {
  cleanups.push(cleanup);
}

/** A fresh project, removed after the test. */
export function ormProject(files: OrmProjectFiles = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-orm-migrator-'));
  afterTest(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // MikroORM's CLI wants to be the project's own dependency.
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ type: 'module', dependencies: { '@mikro-orm/cli': '7.2.1', '@mikro-orm/sqlite': '7.2.1' } }, null, 2)}\n`);
  writeFileSync(path.join(dir, 'cgmigrate.config.ts'), files.cgmigrateConfig ?? "export default { scriptLocation: 'migrations' };\n");
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const [file, text] of Object.entries({ ...MIGRATIONS, ...files.migrations })) writeFileSync(path.join(dir, 'migrations', 'versions', file), text);
  writeFileSync(path.join(dir, 'entities.ts'), files.entities ?? ENTITIES);
  writeFileSync(path.join(dir, 'mikro-orm.config.ts'), files.mikroOrmConfig ?? MIKRO_ORM_CONFIG);
  writeFileSync(path.join(dir, 'service.ts'), files.service ?? SERVICE);
  return dir;
}

/** Runs a command to its end, with colours off (CI sets FORCE_COLOR, which beats NO_COLOR) and no `DATABASE_URL` from the test's environment. */
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

function query<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all([]) as T[];
  } finally {
    db.close();
  }
}

/** The version table's rows. */
export const versionRows = (file: string) => query<{ version_num: string }>(file, 'SELECT version_num FROM alembic_version').map((row) => row.version_num);
/** The audit table's steps, `upgrade a1`, in the order they ran. */
export const auditSteps = (file: string) =>
  query<{ revision: string; direction: string }>(file, 'SELECT revision, direction FROM cgmigrate_audit ORDER BY applied_at, rowid').map((row) => `${row.direction} ${row.revision}`);
/** Every table's name. */
export const tables = (file: string) => query<{ name: string }>(file, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map((row) => row.name);
/** What the migrations logged: which revision's `up()` ran, in which process. */
export const appliedLog = (file: string) => query<{ revision: string; pid: number }>(file, 'SELECT revision, pid FROM applied_log ORDER BY rowid');

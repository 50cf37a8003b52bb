/**
 * Schema operations rendered offline (`upgrade <from>:<to> --sql`) from one migration file
 * for SQLite and for PostgreSQL, without a database: on SQLite an `alterColumn` becomes a
 * rebuild of a table that a revision before the range made (its definition replayed from
 * that revision's operations), and the script, run by `sqlite3`, migrates a database the
 * CLI had brought to that revision, rows kept.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { cgmigrate, tempProject } from './cli.js';

const CREATE_ACCOUNTS = `export default {
  revision: 'a1',
  downRevision: null,
  async up(op) {
    await op.createTable('accounts', {
      id: { type: 'integer', primaryKey: true, autoincrement: true },
      email: { type: 'string', length: 320, nullable: false },
      plan: { type: 'string', length: 16 },
    });
    await op.createIndex('ix_accounts_plan', 'accounts', ['plan']);
  },
  async down(op) {
    await op.dropTable('accounts');
  },
};
`;

const PLAN_REQUIRED = `export default {
  revision: 'b2',
  downRevision: 'a1',
  async up(op) {
    await op.execute("UPDATE accounts SET plan = 'free' WHERE plan IS NULL");
    await op.alterColumn('accounts', 'plan', { nullable: false, default: 'free' });
  },
  async down(op) {
    await op.alterColumn('accounts', 'plan', { nullable: true, default: null });
  },
};
`;

const project = tempProject();
afterAll(() => project.cleanup());
mkdirSync(path.join(project.dir, 'migrations', 'versions'), { recursive: true });
writeFileSync(path.join(project.dir, 'migrations', 'versions', 'a1_accounts.mjs'), CREATE_ACCOUNTS);
writeFileSync(path.join(project.dir, 'migrations', 'versions', 'b2_plan_required.mjs'), PLAN_REQUIRED);

const sqlite3 = (file: string, input: string): string => execFileSync('sqlite3', [file], { input, encoding: 'utf8' });

describe('schema operations offline (--sql)', () => {
  it('on SQLite: the alterColumn of a table made before the range is a rebuild, and the script migrates a database at a1', async () => {
    const db = path.join(project.dir, 'app.db');
    const url = `sqlite:///${db}`;
    const atA1 = await cgmigrate(['upgrade', 'a1', '--url', url], { cwd: project.dir });
    expect(atA1.code, atA1.stderr).toBe(0);
    sqlite3(db, "INSERT INTO accounts (email, plan) VALUES ('a@example.com', NULL), ('b@example.com', 'team');");

    const script = await cgmigrate(['upgrade', 'a1:head', '--sql', '--url', url], { cwd: project.dir });
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toContain('create table `accounts__temp_alter` (`id` integer not null primary key autoincrement, `email` text not null, `plan` text not null default \'free\');');
    expect(script.stdout).toContain('create index `ix_accounts_plan` on `accounts` (`plan`);');
    expect(script.stdout).not.toContain('create table `accounts` ');

    sqlite3(db, script.stdout);
    expect(sqlite3(db, 'SELECT email, plan FROM accounts ORDER BY id;')).toBe('a@example.com|free\nb@example.com|team\n');
    expect(sqlite3(db, "SELECT \"notnull\", dflt_value FROM pragma_table_info('accounts') WHERE name = 'plan';")).toBe("1|'free'\n");
    expect(sqlite3(db, 'SELECT version_num FROM alembic_version;')).toBe('b2\n');
  });

  it('on PostgreSQL: the same file renders ALTER COLUMN statements, without a server', async () => {
    const script = await cgmigrate(['upgrade', 'a1:head', '--sql', '--url', 'postgresql://nobody@127.0.0.1:1/absent'], { cwd: project.dir });
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toContain(`alter table "accounts" alter column "plan" set default 'free';`);
    expect(script.stdout).toContain('alter table "accounts" alter column "plan" set not null;');
    expect(script.stdout).not.toContain('__temp_alter');
  });

  it('says which table it cannot describe when raw SQL made it', async () => {
    const raw = tempProject();
    try {
      mkdirSync(path.join(raw.dir, 'migrations', 'versions'), { recursive: true });
      writeFileSync(
        path.join(raw.dir, 'migrations', 'versions', 'a1_accounts.mjs'),
        CREATE_ACCOUNTS.replace(/async up\(op\) \{[\s\S]*?\n {2}\},/, "async up(op) {\n    await op.execute('CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, plan TEXT)');\n  },"),
      );
      writeFileSync(path.join(raw.dir, 'migrations', 'versions', 'b2_plan_required.mjs'), PLAN_REQUIRED);
      const script = await cgmigrate(['upgrade', 'a1:head', '--sql', '--url', 'sqlite:///app.db'], { cwd: raw.dir });
      expect(script.code).toBe(1);
      expect(script.stdout).toBe('');
      expect(script.stderr).toContain(
        'it needs the definition of table accounts, which offline mode knows only from schema operations: revision a1 runs raw SQL that changes the schema (CREATE TABLE accounts …)',
      );
    } finally {
      raw.cleanup();
    }
  });
});

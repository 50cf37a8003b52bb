// @module-tag postgres
/**
 * docs/operations.md run as written: its example migration, typechecked, then upgraded and
 * downgraded by the CLI, the same file on SQLite and on PostgreSQL, each database left with
 * its own spelling of the table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { createTestDatabase, queryTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { testMigrationSource } from '../e2e/cli.js';
import { blocksRunBy, docProject, testPath } from './doc-shell.js';

const DOC = 'docs/operations.md';
const [migration] = blocksRunBy(DOC, testPath(import.meta.url));
const project = docProject();
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cgmigrate_operations_doc');
  project.linkNodeModules();
  const versions = path.join(project.dir, 'migrations/versions');
  mkdirSync(versions, { recursive: true });
  // The revision the example follows, then the example itself.
  writeFileSync(path.join(versions, '3f2a9c1b7d4e_start.ts'), testMigrationSource({ id: '3f2a9c1b7d4e', parent: null, up: ' ', down: ' ' }));
  writeFileSync(path.join(versions, '5c1e0a2b9f47_create_accounts.ts'), migration!.body);
});
afterAll(async () => {
  await db?.drop();
  project.cleanup();
});

describe(DOC, () => {
  it('shows one migration, which typechecks against the built packages', async () => {
    expect(migration!.info).toBe('ts');
    expect(await typecheckSnippets([{ block: migration! }])).toEqual([]);
  }, 60_000);

  it('upgrades and downgrades SQLite with the same file', async () => {
    expect((await project.sh('cgmigrate upgrade head')).code).toBe(0);
    const table = await project.sh(`sqlite3 cloudguard.db ".schema accounts"`);
    // SQLite has no enum: a text column whose check keeps its values.
    expect(table.stdout).toContain("`plan` text check (`plan` in ('free', 'team')) not null default 'free'");
    const index = await project.sh(`sqlite3 cloudguard.db "select name from sqlite_master where type = 'index' and tbl_name = 'accounts' and sql is not null"`);
    expect(index.stdout.split('\n').filter(Boolean).sort()).toEqual(['accounts_email_unique', 'ix_accounts_created_at']);
    const insert = await project.sh(`sqlite3 cloudguard.db "insert into accounts (email) values ('a@example.com'); select id, plan from accounts"`);
    expect(insert.stdout).toBe('1|free\n');
    const down = await project.sh('cgmigrate downgrade 3f2a9c1b7d4e');
    expect(down.code, down.stderr).toBe(0);
    expect((await project.sh(`sqlite3 cloudguard.db "select count(*) from sqlite_master where name = 'accounts'"`)).stdout).toBe('0\n');
  });

  it('upgrades and downgrades PostgreSQL with the same file: a native enum, a timestamptz, a serial key', async () => {
    const env = { DATABASE_URL: db.url };
    const up = await project.sh('cgmigrate upgrade head', { env });
    expect(up.code, up.stderr).toBe(0);
    const columns = await queryTestDatabase<{ column_name: string; data_type: string; udt_name: string }>(
      db.url,
      "select column_name, data_type, udt_name from information_schema.columns where table_name = 'accounts' order by ordinal_position",
    );
    expect(columns.map((column) => [column.column_name, column.udt_name])).toEqual([
      ['id', 'int4'],
      ['email', 'varchar'],
      ['plan', 'account_plan'],
      ['created_at', 'timestamptz'],
    ]);
    const down = await project.sh('cgmigrate downgrade 3f2a9c1b7d4e', { env });
    expect(down.code, down.stderr).toBe(0);
    expect(await queryTestDatabase(db.url, "select 1 from pg_type where typname = 'account_plan'")).toEqual([]);
    expect(await queryTestDatabase(db.url, "select 1 from pg_tables where tablename = 'accounts'")).toEqual([]);
  });
});

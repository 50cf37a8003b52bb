import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
  autogenerateRevision,
  check,
  createEnvironment,
  downgrade,
  loadConfig,
  upgrade,
  type MigrationEnvironment,
  type SchemaFilterOptions,
} from '@cloudguard/migrate-core';
import { defineEntity, p } from '@mikro-orm/core';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { tempDir } from '../support/fixtures.js';

const UserV1 = defineEntity({
  name: 'User',
  properties: {
    id: p.integer().primary(),
    name: p.string(),
    email: p.string().nullable(),
  },
});

// v2: a new column, an index, a nullability change, and a new table with a foreign key.
const UserV2 = defineEntity({
  name: 'User',
  indexes: [{ properties: ['name'] }],
  properties: {
    id: p.integer().primary(),
    name: p.string().nullable(),
    email: p.string().nullable(),
    age: p.integer().nullable(),
  },
});
const Post = defineEntity({
  name: 'Post',
  properties: {
    id: p.integer().primary(),
    title: p.string(),
    author: () => p.manyToOne(UserV2).deleteRule('cascade'),
  },
});

// Users join teams: a new column with a foreign key, and an index, on a table that has rows.
const Team = defineEntity({ name: 'Team', properties: { id: p.integer().primary(), name: p.string() } });
const TeamMember = defineEntity({
  name: 'User',
  indexes: [{ properties: ['name'] }],
  properties: { id: p.integer().primary(), name: p.string(), email: p.string().nullable(), team: () => p.manyToOne(Team).nullable() },
});

/** Users and teams applied, with rows; the environment of the entities where users join teams. */
async function teamMembers(app: Project, options: { readonly safeForms?: boolean }): Promise<MigrationEnvironment> {
  const env = await app.env([UserV1, Team], { autogenerateAs: 'operations' });
  await autogenerateRevision(env, { message: 'Users and teams', ...options });
  await upgrade(env, { target: 'head' });
  app.sql("INSERT INTO team (id, name) VALUES (1, 'core'); INSERT INTO user (name, email) VALUES ('ada', 'ada@example.com')");
  return app.env([TeamMember, Team], { autogenerateAs: 'operations' });
}

interface Project {
  readonly dir: string;
  readonly file: string;
  env(entities: readonly unknown[], overrides?: { readonly auditTable?: string; readonly autogenerateAs?: 'operations' | 'sql' }): Promise<MigrationEnvironment>;
  versions(): string[];
  tables(): string[];
  sql(statement: string): void;
}

function project(): Project {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  const file = path.join(dir, 'app.db');
  const onDatabase = <T>(work: (db: Database.Database) => T): T => {
    const db = new Database(file);
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    dir,
    file,
    async env(entities, overrides = {}) {
      const config = await loadConfig({
        cwd: dir,
        env: {},
        url: 'sqlite:///app.db',
        overrides: { adapter: sqliteAdapter(), entities, autogenerateAs: 'sql', ...overrides },
      });
      return createEnvironment(config);
    },
    versions: () => readdirSync(path.join(dir, 'migrations', 'versions')).filter((name) => name.endsWith('.ts')).sort(),
    tables: () =>
      onDatabase((db) =>
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all([]) as { name: string }[]).map(
          (row) => row.name,
        ),
      ),
    sql: (statement) => onDatabase((db) => void db.exec(statement)),
  };
}

describe('SQLite autogenerate and drift check', () => {
  it('goes from entities to migrations and back, and check follows the entities', async () => {
    const app = project();
    let env = await app.env([UserV1]);

    // An empty database: the first migration creates the table; our own tables are never part of a diff.
    const first = await autogenerateRevision(env, { message: 'Create users', now: new Date('2024-05-01T10:00:00Z') });
    if (!first.written) throw new Error('expected a migration');
    expect(first.changes.map((change) => [change.action, change.object, change.name])).toEqual([['add', 'table', 'user']]);
    expect(first.messages).toEqual(["Detected added table 'user'"]);
    const firstSource = readFileSync(first.path, 'utf8');
    expect(firstSource).toContain("await op.execute('create table `user` (`id` integer not null primary key autoincrement, `name` text not null, `email` text null)');");
    expect(firstSource).toContain("await op.execute('drop table if exists `user`');");
    expect(firstSource).toContain("message: 'Create users'");

    await upgrade(env, { target: 'head' });
    expect(app.tables()).toEqual(['alembic_version', 'cgmigrate_audit', 'user']);
    const clean = await check(env);
    expect(clean).toMatchObject({ ok: true, drift: [], problems: [] });

    // Nothing changed: no file.
    const nothing = await autogenerateRevision(env, { message: 'Nothing' });
    expect(nothing).toEqual({ written: false, changes: [], messages: ['No changes in schema detected.'], notes: [] });
    expect(app.versions()).toHaveLength(1);
    app.sql("INSERT INTO user (name, email) VALUES ('ada', 'ada@example.com')");

    // The entities change: check names each difference.
    env = await app.env([UserV2, Post]);
    const drift = await check(env);
    expect(drift.ok).toBe(false);
    expect(drift.problems.map((problem) => problem.code)).toEqual(['SCHEMA_DRIFT', 'SCHEMA_DRIFT', 'SCHEMA_DRIFT', 'SCHEMA_DRIFT']);
    expect(drift.problems.map((problem) => problem.message).sort()).toEqual([
      "Detected added column 'user.age': integer null",
      "Detected added index 'user_name_index' on 'user': name",
      "Detected added table 'post'",
      "Detected changed column 'user.name': nullable not null -> null",
    ]);
    expect(JSON.stringify(drift)).not.toMatch(/alembic_version|cgmigrate_audit/);

    const second = await autogenerateRevision(env, { message: 'Posts and ages' });
    if (!second.written) throw new Error('expected a migration');
    expect(second.revision.downRevisions).toEqual([first.revision.id]);
    // Changing a column's nullability needs a table rebuild on SQLite: written down for review.
    expect(second.notes).toEqual([expect.stringContaining("Table 'user' is rebuilt")]);
    const secondSource = readFileSync(second.path, 'utf8');
    expect(secondSource).toContain('// REVIEW: cgmigrate autogenerate could not decide the following');
    expect(secondSource).not.toMatch(/pragma foreign_keys/i);
    expect(secondSource).toContain('constraint `post_author_id_foreign` foreign key (`author_id`) references `user` (`id`) on delete cascade');

    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
    // The rebuild kept the row.
    expect(readRows(app.file, 'SELECT name, email, age FROM user')).toEqual([{ name: 'ada', email: 'ada@example.com', age: null }]);

    // down() is the inverse of up(): down to base leaves only our own tables.
    await downgrade(env, { target: 'base' });
    expect(app.tables()).toEqual(['alembic_version', 'cgmigrate_audit']);
  });

  it('writes schema operations by default, which upgrade, follow the entities and downgrade', async () => {
    const app = project();
    let env = await app.env([UserV1], { autogenerateAs: 'operations' });
    const first = await autogenerateRevision(env, { message: 'Create users' });
    if (!first.written) throw new Error('expected a migration');
    const firstSource = readFileSync(first.path, 'utf8');
    expect(firstSource).toContain(
      [
        "    await op.createTable('user', {",
        "      id: { type: 'integer', primaryKey: true, autoincrement: true },",
        "      name: { type: 'string', nullable: false },",
        "      email: { type: 'string' },",
        '    });',
      ].join('\n'),
    );
    expect(firstSource).toContain("await op.dropTable('user');");
    expect(firstSource).not.toContain('op.execute');
    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [], problems: [] });
    app.sql("INSERT INTO user (name, email) VALUES ('ada', 'ada@example.com')");

    env = await app.env([UserV2, Post], { autogenerateAs: 'operations' });
    const second = await autogenerateRevision(env, { message: 'Posts and ages' });
    if (!second.written) throw new Error('expected a migration');
    const secondSource = readFileSync(second.path, 'utf8');
    // The user table's changes are one operation: on SQLite, one rebuild.
    expect(secondSource).toContain("await op.batchAlterTable('user', (batch) => {");
    expect(secondSource).toContain("batch.addColumn('age', { type: 'integer' });");
    expect(secondSource).toContain("batch.createIndex('user_name_index', ['name']);");
    expect(secondSource).toContain("await op.createTable('post', {");
    expect(secondSource).toContain("foreignKeys: [{ name: 'post_author_id_foreign', columns: ['author_id'], referencedTable: 'user', referencedColumns: ['id'], onDelete: 'cascade' }]");
    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
    expect(readRows(app.file, 'SELECT name, email, age FROM user')).toEqual([{ name: 'ada', email: 'ada@example.com', age: null }]);

    await downgrade(env, { target: 'base' });
    expect(app.tables()).toEqual(['alembic_version', 'cgmigrate_audit']);
  });

  it('keeps the foreign key of a column added to an existing table, which MikroORM writes apart from the column', async () => {
    const app = project();
    const env = await teamMembers(app, {});
    const second = await autogenerateRevision(env, { message: 'Team members' });
    if (!second.written) throw new Error('expected a migration');
    expect(readFileSync(second.path, 'utf8')).toContain("batch.createForeignKey('user_team_id_foreign', ['team_id'], 'team', ['id'], { onDelete: 'set null' });");
    await upgrade(env, { target: 'head' });
    expect(readRows(app.file, 'SELECT "table", "from", "to" FROM pragma_foreign_key_list(\'user\')')).toEqual([{ table: 'team', from: 'team_id', to: 'id' }]);
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
    await downgrade(env, { target: 'base' });
    expect(app.tables()).toEqual(['alembic_version', 'cgmigrate_audit']);
  });

  it('writes the plain forms with safeForms on: SQLite has no concurrent index builds nor NOT VALID constraints', async () => {
    const app = project();
    const env = await teamMembers(app, { safeForms: true });
    expect(app.versions()).toHaveLength(1);
    const second = await autogenerateRevision(env, { message: 'Team members', safeForms: true });
    if (!second.written) throw new Error('expected a migration');
    expect(second.revisions).toHaveLength(1);
    expect(app.versions()).toHaveLength(2);
    const source = readFileSync(second.path, 'utf8');
    expect(source).not.toMatch(/notValid|concurrently|validateConstraint|transactional/);
    expect(source).toContain("batch.createIndex('user_name_index', ['name']);");
    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
  });

  it('writes SQL, and says why, for a difference no operation spells (a trigger)', async () => {
    const app = project();
    const Audited = defineEntity({
      name: 'Audited',
      triggers: [{ name: 'audited_touch', timing: 'after', events: ['update'], body: 'select 1' }],
      properties: { id: p.integer().primary(), name: p.string() },
    });
    const env = await app.env([Audited], { autogenerateAs: 'operations' });
    const result = await autogenerateRevision(env, { message: 'Audited' });
    if (!result.written) throw new Error('expected a migration');
    const source = readFileSync(result.path, 'utf8');
    expect(source).toContain("// - Written as this database's SQL, not as schema operations, because table audited has a trigger: it\n");
    expect(source).toContain("await op.execute('create table `audited`");
    expect(source).not.toContain('op.createTable');
    await upgrade(env, { target: 'head' });
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
  });

  it('never reports an audit table renamed by the auditTable key as drift', async () => {
    const app = project();
    const env = await app.env([UserV1], { auditTable: 'deploy_log' });
    const first = await autogenerateRevision(env, { message: 'Create users' });
    expect(first.written && first.changes.map((change) => change.name)).toEqual(['user']);
    await upgrade(env, { target: 'head' });
    expect(app.tables()).toEqual(['alembic_version', 'deploy_log', 'user']);
    expect(await check(env)).toMatchObject({ ok: true, drift: [], problems: [] });
  });

  it('refuses to autogenerate against a database behind head', async () => {
    const app = project();
    const env = await app.env([UserV1]);
    const first = await autogenerateRevision(env, { message: 'Create users' });
    expect(first.written).toBe(true);
    const error = await autogenerateRevision(env, { message: 'Again' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'DB_NOT_UP_TO_DATE', message: 'Target database is not up to date.', current: [] });
    expect(app.versions()).toHaveLength(1);
    // check reports the pending revision, and does not compare a schema that is not at head.
    expect(await check(env)).toMatchObject({ ok: false, drift: null, problems: [{ code: 'DB_NOT_UP_TO_DATE' }] });
  });

  it('leaves out the tables the user excludes, and writes an empty migration only when asked', async () => {
    const app = project();
    const env = await app.env([UserV1]);
    await autogenerateRevision(env, { message: 'Create users' });
    await upgrade(env, { target: 'head' });
    app.sql('CREATE TABLE legacy_reports (id INTEGER PRIMARY KEY)');

    expect((await check(env)).problems.map((problem) => problem.message)).toEqual(["Detected removed table 'legacy_reports'"]);
    const filters: SchemaFilterOptions[] = [
      { excludeTables: ['legacy_reports'] },
      { includeTables: ['user'] },
      { includeObject: (object) => !object.name.startsWith('legacy_') },
    ];
    for (const filter of filters) expect(await check(env, { filter })).toMatchObject({ ok: true, drift: [] });

    const empty = await autogenerateRevision(env, { message: 'Empty', allowEmpty: true, filter: filters[0] });
    if (!empty.written) throw new Error('expected a migration');
    expect(empty.messages).toEqual(['No changes in schema detected.']);
    expect(readFileSync(empty.path, 'utf8')).toContain('// Write the upgrade here');
  });

  it('refuses without entities', async () => {
    const app = project();
    const env = await app.env([]);
    const error = await autogenerateRevision(env, { message: 'Nothing to compare' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain('`entities` is empty');
    // Without entities, check compares no schema.
    expect(await check(env)).toMatchObject({ ok: true, drift: null });
  });
});

function readRows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all([]);
  } finally {
    db.close();
  }
}

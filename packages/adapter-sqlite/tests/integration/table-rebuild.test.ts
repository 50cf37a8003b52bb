import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

// A parent table with an index and a trigger of its own, and a child table whose rows point at it.
const userProperties = {
  id: p.integer().primary(),
  name: p.string(),
};
const UserV1 = defineEntity({
  name: 'User',
  indexes: [{ name: 'user_name_index', properties: ['name'] }],
  triggers: [{ name: 'user_name_trim', timing: 'after', events: ['update'], body: 'select 1' }],
  properties: { ...userProperties, email: p.string().nullable() },
});
// v2: `email` becomes NOT NULL, which SQLite cannot ALTER: the table is rebuilt.
const UserV2 = defineEntity({
  name: 'User',
  indexes: [{ name: 'user_name_index', properties: ['name'] }],
  triggers: [{ name: 'user_name_trim', timing: 'after', events: ['update'], body: 'select 1' }],
  properties: { ...userProperties, email: p.string() },
});
const postProperties = {
  id: p.integer().primary(),
  title: p.string(),
};
const PostV1 = defineEntity({ name: 'Post', properties: { ...postProperties, author: () => p.manyToOne(UserV1).deleteRule('cascade') } });
const PostV2 = defineEntity({ name: 'Post', properties: { ...postProperties, author: () => p.manyToOne(UserV2).deleteRule('cascade') } });
// v3 of Post: a new NOT NULL column without a default, with a changed column beside it (so a rebuild).
const PostV3 = defineEntity({
  name: 'Post',
  properties: { ...postProperties, title: p.string().nullable(), words: p.integer(), author: () => p.manyToOne(UserV2).deleteRule('cascade') },
});

// Objects the entities do not declare, left out of the comparison, that name the rebuilt table.
const OUTSIDE_OBJECTS = `
  CREATE VIEW user_posts AS SELECT u.name, p.title FROM user u JOIN post p ON p.author_id = u.id;
  CREATE VIEW user_post_count AS SELECT count(*) AS n FROM user_posts;
  CREATE TABLE activity (id INTEGER PRIMARY KEY, user_id INTEGER, note TEXT);
  CREATE TRIGGER activity_touches_user AFTER INSERT ON activity BEGIN UPDATE "user" SET name = name WHERE id = new.user_id; END;
`;
const FILTER: SchemaFilterOptions = { excludeTables: ['user_posts', 'user_post_count', 'activity'] };

interface App {
  readonly file: string;
  env(entities: readonly unknown[]): Promise<MigrationEnvironment>;
  sql(statement: string): void;
  rows(statement: string): unknown[];
  schemaObjects(): string[];
}

function app(foreignKeys: boolean): App {
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
    file,
    async env(entities) {
      const config = await loadConfig({
        cwd: dir,
        env: {},
        url: 'sqlite:///app.db',
        overrides: { adapter: sqliteAdapter({ foreignKeys }), entities, ...FILTER, autogenerateAs: 'sql' },
      });
      return createEnvironment(config);
    },
    sql: (statement) => onDatabase((db) => void db.exec(statement)),
    rows: (statement) => onDatabase((db) => db.prepare(statement).all([])),
    schemaObjects: () =>
      onDatabase((db) =>
        (db.prepare("SELECT type || ' ' || name AS object FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1").all([]) as { object: string }[]).map(
          (row) => row.object,
        ),
      ),
  };
}

/** Schema v1 applied, with rows in both tables and the objects outside the entities. */
async function atVersionOne(target: App): Promise<void> {
  const env = await target.env([UserV1, PostV1]);
  const first = await autogenerateRevision(env, { message: 'Users and posts' });
  expect(first.written).toBe(true);
  await upgrade(env, { target: 'head' });
  target.sql(OUTSIDE_OBJECTS);
  target.sql(`
    INSERT INTO user (id, name, email) VALUES (1, 'ada', 'ada@example.com'), (2, 'alan', 'alan@example.com');
    INSERT INTO post (id, title, author_id) VALUES (10, 'Engines', 1), (11, 'Machines', 2), (12, 'Notes', 1);
  `);
}

const USERS = [
  { id: 1, name: 'ada', email: 'ada@example.com' },
  { id: 2, name: 'alan', email: 'alan@example.com' },
];
const POSTS = [
  { id: 10, title: 'Engines', author_id: 1 },
  { id: 11, title: 'Machines', author_id: 2 },
  { id: 12, title: 'Notes', author_id: 1 },
];

describe.each([
  { foreignKeys: false, mode: 'foreign keys off (default)' },
  { foreignKeys: true, mode: 'foreign keys enforced' },
])('SQLite table rebuild, $mode', ({ foreignKeys }) => {
  it('keeps the rows of the table and of its child table, its index, trigger, and the views and triggers naming it', async () => {
    const target = app(foreignKeys);
    await atVersionOne(target);
    const objectsBefore = target.schemaObjects();
    expect(objectsBefore).toEqual(
      expect.arrayContaining(['index user_name_index', 'trigger user_name_trim', 'trigger activity_touches_user', 'view user_posts', 'view user_post_count']),
    );

    const env = await target.env([UserV2, PostV2]);
    const generated = await autogenerateRevision(env, { message: 'Email required' });
    if (!generated.written) throw new Error('expected a migration');
    expect(generated.messages).toEqual(["Detected changed column 'user.email': nullable null -> not null"]);
    expect(generated.notes).toEqual([
      expect.stringContaining("Table 'user' is rebuilt"),
      "Column 'user.email' becomes NOT NULL: the rebuild fails if a row holds NULL in it; update those rows first.",
    ]);
    expect(generated.notes[0]).toContain("view 'user_posts', view 'user_post_count', trigger 'activity_touches_user' naming it are dropped first");
    const source = readFileSync(generated.path, 'utf8');
    expect(source).not.toMatch(/pragma foreign_keys/i);
    // Dependents first dropped (the view naming a view before it), the rebuild, then recreated from sqlite_master.
    const order = [
      "await op.execute('drop trigger if exists `activity_touches_user`')",
      "await op.execute('drop view if exists `user_post_count`')",
      "await op.execute('drop view if exists `user_posts`')",
      'create table `user__temp_alter`',
      "await op.execute('alter table `user__temp_alter` rename to `user`')",
      'CREATE VIEW user_posts AS SELECT',
      'CREATE VIEW user_post_count AS',
      'CREATE TRIGGER activity_touches_user',
      'from pragma_foreign_key_check',
    ].map((text) => source.indexOf(text));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);

    await upgrade(env, { target: 'head' });
    expect(target.rows('SELECT id, name, email FROM user ORDER BY id')).toEqual(USERS);
    // ON DELETE CASCADE did not fire when the old table was dropped.
    expect(target.rows('SELECT id, title, author_id FROM post ORDER BY id')).toEqual(POSTS);
    expect(target.rows('SELECT name, title FROM user_posts ORDER BY title')).toHaveLength(3);
    expect(target.rows('SELECT n FROM user_post_count')).toEqual([{ n: 3 }]);
    expect(target.schemaObjects()).toEqual(objectsBefore);
    expect(target.rows("SELECT \"notnull\" FROM pragma_table_info('user') WHERE name = 'email'")).toEqual([{ notnull: 1 }]);
    expect(await check(env)).toMatchObject({ ok: true, drift: [], problems: [] });
    // The trigger on another table still works on the new table.
    target.sql("INSERT INTO activity (user_id, note) VALUES (1, 'login')");

    // down() rebuilds it back: nullable again, every row still there.
    await downgrade(env, { target: '-1' });
    expect(target.rows("SELECT \"notnull\" FROM pragma_table_info('user') WHERE name = 'email'")).toEqual([{ notnull: 0 }]);
    expect(target.rows('SELECT id, name, email FROM user ORDER BY id')).toEqual(USERS);
    expect(target.rows('SELECT id, title, author_id FROM post ORDER BY id')).toEqual(POSTS);
    expect(target.schemaObjects()).toEqual(objectsBefore);
    // And up again: the same rows, and nothing differs from the entities.
    await upgrade(env, { target: 'head' });
    expect(target.rows('SELECT id, title, author_id FROM post ORDER BY id')).toEqual(POSTS);
    expect(await check(env)).toMatchObject({ ok: true, drift: [] });
  });

  it('fails with a clear message, changing nothing, when a row holds NULL in a column made NOT NULL', async () => {
    const target = app(foreignKeys);
    await atVersionOne(target);
    target.sql("INSERT INTO user (id, name, email) VALUES (3, 'grace', NULL)");
    const env = await target.env([UserV2, PostV2]);
    await autogenerateRevision(env, { message: 'Email required' });
    const objectsBefore = target.schemaObjects();

    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(String((error as Error).cause)).toContain(
      "Cannot rebuild table 'user': rows hold NULL in 'email', which becomes NOT NULL. Update them",
    );
    expect(target.rows("SELECT \"notnull\" FROM pragma_table_info('user') WHERE name = 'email'")).toEqual([{ notnull: 0 }]);
    expect(target.schemaObjects()).toEqual(objectsBefore);
    expect(target.rows('SELECT count(*) AS n FROM post')).toEqual([{ n: 3 }]);
  });

  it('writes a review note for a new NOT NULL column without a default, and fails clearly on a table with rows', async () => {
    const target = app(foreignKeys);
    await atVersionOne(target);
    const env = await target.env([UserV2, PostV3]);
    target.sql("UPDATE user SET email = 'x' WHERE email IS NULL");
    const generated = await autogenerateRevision(env, { message: 'Word counts' });
    if (!generated.written) throw new Error('expected a migration');
    expect(generated.notes).toContain(
      "Column 'post.words' is added NOT NULL without a default: on a table that has rows the migration fails. Give it a " +
        'default, or add it nullable, fill it, and make it NOT NULL in a later migration.',
    );
    expect(readFileSync(generated.path, 'utf8')).toContain("// - Column 'post.words' is added NOT NULL without a default");

    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(String((error as Error).cause)).toContain(
      "Cannot rebuild table 'post': its rows have no value for the new NOT NULL column 'words', which has no default.",
    );
    expect(target.rows('SELECT id, title, author_id FROM post ORDER BY id')).toEqual(POSTS);
  });
});

describe('SQLite with foreignKeys: true, around each migration transaction', () => {
  it('checks foreign keys before commit: a migration leaving rows without their parent fails and rolls back', async () => {
    const target = app(true);
    await atVersionOne(target);
    const env = await target.env([UserV1, PostV1]);
    const [first] = readdirSync(path.join(path.dirname(target.file), 'migrations', 'versions'));
    const parent = /_([0-9a-f]+)_users_and_posts\.ts$/.exec(first ?? '')?.[1];
    writeFileSync(
      path.join(path.dirname(target.file), 'migrations', 'versions', 'orphan.ts'),
      `export default { revision: 'orphan', downRevision: '${parent}', message: 'Remove alan',\n` +
        "  async up(op) { await op.execute('DELETE FROM user WHERE id = 2'); },\n  async down() {} };\n",
    );
    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: 'orphan' });
    expect(String((error as Error).cause)).toContain(
      "PRAGMA foreign_key_check before commit: rows point at missing parent rows: 1 in 'post' (parent 'user'). The transaction was rolled back",
    );
    expect(target.rows('SELECT id FROM user ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(target.rows('SELECT count(*) AS n FROM post')).toEqual([{ n: 3 }]);
  });
});

describe('SQLite table rebuild, foreign key check before commit', () => {
  it('fails the migration and names the table whose rows point at a missing parent', async () => {
    const target = app(false);
    await atVersionOne(target);
    // With enforcement off (cgmigrate's default; better-sqlite3 turns it on for its own connections) a row can point at nothing.
    target.sql("PRAGMA foreign_keys = OFF; INSERT INTO post (id, title, author_id) VALUES (13, 'Orphan', 99)");
    const env = await target.env([UserV2, PostV2]);
    await autogenerateRevision(env, { message: 'Email required' });

    const error = await upgrade(env, { target: 'head' }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED' });
    const cause = String((error as Error).cause);
    expect(cause).toContain('Rebuilding left rows whose foreign key points at a missing row');
    expect(cause).toContain('[{"table":"post","parent":"user","rows":1}]');
    expect(target.rows("SELECT \"notnull\" FROM pragma_table_info('user') WHERE name = 'email'")).toEqual([{ notnull: 0 }]);
  });
});

import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { createEnvironment, current, downgrade, isMigrateError, loadConfig, upgrade, upgradeSql, type MigrationEnvironment } from '@cloudguard/migrate-core';
import type { DialectAdapter } from '@cloudguard/migrate-core/adapter';
import { MikroORM } from '@mikro-orm/core';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';

import { blocksRunBy } from '../../../../tools/docs/fenced-blocks.js';
import { sqliteAdapter } from '../../src/index.js';
import { tempDir } from '../support/fixtures.js';

const THIS_TEST = 'packages/adapter-sqlite/tests/integration/mikro-orm-classes.test.ts';
/**
 * The blocks of docs/mikro-orm.md: the class file of revision 1f0c3a9b2d4e (the "user"
 * table); the entities file, the config listing them and the data migration on top that
 * uses them through its EntityManager, each starting with a comment naming its path.
 */
const [docExample, docEntities, docConfig, docDataMigration] = blocksRunBy('docs/mikro-orm.md', THIS_TEST);
const REPO_NODE_MODULES = join(import.meta.dirname, '../../../../node_modules');

/** A MikroORM migration class file: `body` is the class's members after its statics. */
function classFile(name: string, revision: string, downRevision: string | null, body: string): string {
  return [
    "import { Migration } from '@mikro-orm/migrations';",
    '',
    `export class ${name} extends Migration {`,
    `  static revision = '${revision}';`,
    `  static downRevision = ${downRevision === null ? 'null' : `'${downRevision}'`};`,
    body,
    '}',
    '',
  ].join('\n');
}

/** An object migration file (cgmigrate's own form). */
function objectFile(revision: string, downRevision: string, up: string, down: string): string {
  return (
    `export default { revision: '${revision}', downRevision: '${downRevision}',\n` +
    `  async up(op) { ${up} },\n  async down(op) { ${down} } };\n`
  );
}

interface Project {
  readonly dir: string;
  readonly env: MigrationEnvironment;
  /** Every statement the adapter sent, as `--verbose` prints them. */
  readonly statements: string[];
  /** Runs `sql` on the database file, outside cgmigrate. */
  rows(sql: string): unknown[];
}

/**
 * A project whose `migrations/versions/` holds `files`, with the repository's
 * node_modules linked in, so that its migrations resolve `@mikro-orm/migrations` as an
 * installed project does.
 */
async function project(files: Record<string, string>, projectFiles: Record<string, string> = {}): Promise<Project> {
  const dir = tempDir();
  symlinkSync(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  const versions = join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(versions, name), text);
  for (const [name, text] of Object.entries(projectFiles)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (projectFiles['cgmigrate.config.ts'] === undefined) writeFileSync(join(dir, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db' }));
  const statements: string[] = [];
  const base = sqliteAdapter();
  const adapter: DialectAdapter = { ...base, connect: (options) => base.connect({ ...options, onStatement: (sql) => statements.push(sql) }) };
  const env = createEnvironment(await loadConfig({ cwd: dir, env: {}, overrides: { adapter } }));
  return {
    dir,
    env,
    statements,
    rows(sql) {
      const db = new Database(join(dir, 'app.db'), { readonly: true });
      try {
        return db.prepare(sql).all([]);
      } finally {
        db.close();
      }
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const tables = (p: Project) =>
  (p.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('alembic_version', 'cgmigrate_audit') ORDER BY name") as { name: string }[]).map(
    (row) => row.name,
  );

/** The doc's class, an object migration, then a class that reads with this.execute() and writes through its EntityManager. */
const MIXED_CHAIN = {
  '1f0c3a9b2d4e_create_users.ts': docExample!.body,
  '2b7e_seed_users.mjs': objectFile(
    '2b7e',
    '1f0c3a9b2d4e',
    `await op.bulkInsert('user', [{ id: 1, email: 'a@example.com' }, { id: 2, email: 'b@example.com' }]);`,
    `await op.execute('DELETE FROM "user"');`,
  ),
  '3c9d_user_stats.ts': classFile(
    'Migration20241117000000',
    '3c9d',
    '2b7e',
    `
  override async up(): Promise<void> {
    const [{ n }] = await this.execute('select count(*) as n from "user" where email like ?', ['%@example.com']);
    const em = this.getEntityManager();
    await em.execute('create table "user_stats" ("users" integer not null, "source" text not null)');
    await em.getKysely().insertInto('user_stats').values({ users: n, source: 'entity manager' }).execute();
    this.addSql(\`insert into "user_stats" ("users", "source") values (\${n}, 'addSql')\`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table "user_stats"');
  }`,
  ),
};

describe('MikroORM migration classes on SQLite', () => {
  it('upgrade and downgrade through a chain mixing classes and object migrations, with version and audit rows', async () => {
    const p = await project(MIXED_CHAIN);
    const upgraded = await upgrade(p.env);
    expect(upgraded.to).toEqual(['3c9d']);
    expect(upgraded.steps.map((step) => step.revision)).toEqual(['1f0c3a9b2d4e', '2b7e', '3c9d']);
    expect(tables(p)).toEqual(['user', 'user_stats']);
    // this.execute() returned the count that the EntityManager and addSql() wrote.
    expect(p.rows('SELECT users, source FROM user_stats ORDER BY source')).toEqual([
      { users: 2, source: 'addSql' },
      { users: 2, source: 'entity manager' },
    ]);
    expect(p.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'user_email_unique'")).toHaveLength(1);
    expect((await current(p.env)).revisions.map((revision) => revision.id)).toEqual(['3c9d']);
    // Every statement went through the adapter's reporting: addSql, this.execute() and the EntityManager's.
    expect(p.statements).toEqual(
      expect.arrayContaining([
        'create table "user" ("id" integer primary key, "email" varchar(255) not null)',
        "select count(*) as n from \"user\" where email like '%@example.com'",
        'create table "user_stats" ("users" integer not null, "source" text not null)',
        'insert into "user_stats" ("users", "source") values (?, ?)',
        `insert into "user_stats" ("users", "source") values (2, 'addSql')`,
      ]),
    );

    const downgraded = await downgrade(p.env, { target: 'base' });
    expect(downgraded.steps.map((step) => step.revision)).toEqual(['3c9d', '2b7e', '1f0c3a9b2d4e']);
    expect(tables(p)).toEqual([]);
    expect(p.rows('SELECT * FROM alembic_version')).toEqual([]);
    expect(p.rows('SELECT revision, direction FROM cgmigrate_audit ORDER BY id')).toEqual([
      { revision: '1f0c3a9b2d4e', direction: 'upgrade' },
      { revision: '2b7e', direction: 'upgrade' },
      { revision: '3c9d', direction: 'upgrade' },
      { revision: '3c9d', direction: 'downgrade' },
      { revision: '2b7e', direction: 'downgrade' },
      { revision: '1f0c3a9b2d4e', direction: 'downgrade' },
    ]);
  });

  it('--sql renders what addSql() collected and the writes of this.execute(), parameters written in', async () => {
    const p = await project({
      '1f0c3a9b2d4e_create_users.ts': docExample!.body,
      '4d1e_backfill.ts': classFile(
        'Migration20241118000000',
        '4d1e',
        '1f0c3a9b2d4e',
        `
  override async up(): Promise<void> {
    await this.execute('update "user" set "email" = lower("email") where "email" <> ?', ["it's"]);
    this.addSql(this.driver.getPlatform().createNativeQueryBuilder().insert({ id: 1, email: 'root@example.com' }).into('user'));
  }`,
      ),
    });
    const { sql } = await upgradeSql(p.env);
    const stepOf = (from: string, to: string) =>
      sql
        .slice(sql.indexOf(`-- Running upgrade ${from} -> ${to}`), sql.indexOf('INSERT INTO cgmigrate_audit', sql.indexOf(`-> ${to}`)))
        .split('\n')
        .filter((line) => line !== '');
    expect(stepOf('', '1f0c3a9b2d4e')).toEqual([
      '-- Running upgrade  -> 1f0c3a9b2d4e',
      'create table "user" ("id" integer primary key, "email" varchar(255) not null);',
      'create unique index "user_email_unique" on "user" ("email");',
      "INSERT INTO alembic_version (version_num) VALUES ('1f0c3a9b2d4e');",
    ]);
    expect(stepOf('1f0c3a9b2d4e', '4d1e')).toEqual([
      '-- Running upgrade 1f0c3a9b2d4e -> 4d1e',
      `update "user" set "email" = lower("email") where "email" <> 'it''s';`,
      "insert into `user` (`id`, `email`) values (1, 'root@example.com');",
      "UPDATE alembic_version SET version_num = '4d1e' WHERE version_num = '1f0c3a9b2d4e';",
    ]);
  });

  it('--sql refuses a class that reads with this.execute() or asks for its EntityManager: OFFLINE_READ_NOT_SUPPORTED', async () => {
    for (const [body, operation] of [
      [`override async up(): Promise<void> { await this.execute('select count(*) from "user"'); }`, `this.execute('select count(*) from "user"')`],
      [`override async up(): Promise<void> { await this.getEntityManager().execute('delete from "user"'); }`, 'this.getEntityManager()'],
    ]) {
      const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body, '5e2f_reads.ts': classFile('Migration20241119000000', '5e2f', '1f0c3a9b2d4e', body!) });
      const error = await rejection(upgradeSql(p.env));
      expect(isMigrateError(error) && error.code).toBe('OFFLINE_READ_NOT_SUPPORTED');
      expect(error).toMatchObject({ revision: '5e2f', path: join(p.dir, 'migrations', 'versions', '5e2f_reads.ts'), operation });
    }
  });

  it('rolls back the whole step when an addSql() statement fails: this.execute() and EntityManager writes included', async () => {
    const p = await project({
      '1f0c3a9b2d4e_create_users.ts': docExample!.body,
      '6f3a_fails.ts': classFile(
        'Migration20241120000000',
        '6f3a',
        '1f0c3a9b2d4e',
        `
  override async up(): Promise<void> {
    await this.execute(\`insert into "user" ("id", "email") values (1, 'execute@example.com')\`);
    await this.getEntityManager().execute(\`insert into "user" ("id", "email") values (2, 'em@example.com')\`);
    this.addSql('create table "audit" ("id" integer)');
    this.addSql('insert into "no_such_table" ("id") values (1)');
  }`,
      ),
    });
    await upgrade(p.env, { target: '1f0c3a9b2d4e' });
    const error = await rejection(upgrade(p.env));
    expect(isMigrateError(error) && error.code).toBe('MIGRATION_FAILED');
    expect(error).toMatchObject({ revision: '6f3a', statement: 'insert into "no_such_table" ("id") values (1)', rolledBack: true });
    expect(p.rows('SELECT * FROM "user"')).toEqual([]);
    expect(tables(p)).toEqual(['user']);
    expect(p.rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '1f0c3a9b2d4e' }]);
  });

  it('runs a class whose isTransactional() is false outside any transaction: a failure leaves its earlier statements', async () => {
    const p = await project({
      '7a4b_outside.ts': classFile(
        'Migration20241121000000',
        '7a4b',
        null,
        `
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    this.addSql('create table "kept" ("id" integer)');
    this.addSql('insert into "no_such_table" ("id") values (1)');
  }`,
      ),
    });
    const error = await rejection(upgrade(p.env));
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: '7a4b', rolledBack: false });
    expect(tables(p)).toEqual(['kept']);
    expect(p.rows('SELECT * FROM alembic_version')).toEqual([]);
  });

  it('refuses to downgrade past a class that does not override down(): IRREVERSIBLE_MIGRATION, before anything runs', async () => {
    const p = await project({
      '8b5c_one_way.ts': classFile('Migration20241122000000', '8b5c', null, `override async up(): Promise<void> { this.addSql('create table "one_way" ("id" integer)'); }`),
    });
    await upgrade(p.env);
    const error = await rejection(downgrade(p.env, { target: 'base' }));
    expect(error).toMatchObject({ code: 'IRREVERSIBLE_MIGRATION', revision: '8b5c' });
    expect(tables(p)).toEqual(['one_way']);
  });

  it('reports a class that does not extend Migration, or has no up(), as MALFORMED_MIGRATION', async () => {
    for (const [source, problem] of [
      [
        "class Base {}\n\nexport class Migration20241123000000 extends Base {\n  static revision = '9c6d';\n  static downRevision = null;\n  async up() {}\n}\n",
        "it does not extend MikroORM's Migration class (import { Migration } from '@mikro-orm/migrations')",
      ],
      [classFile('Migration20241123000000', '9c6d', null, '  override async down(): Promise<void> {}'), 'it has no up() method'],
    ] as const) {
      const p = await project({ '9c6d_malformed.ts': source });
      const error = await rejection(upgrade(p.env));
      expect(isMigrateError(error) && error.code).toBe('MALFORMED_MIGRATION');
      expect(error).toMatchObject({ path: join(p.dir, 'migrations', 'versions', '9c6d_malformed.ts'), problem, migrationClass: 'Migration20241123000000' });
      // Nothing ran: the database file the run created is removed again.
      expect(existsSync(join(p.dir, 'app.db'))).toBe(false);
    }
  });
});

/** A `User` entity of the "user" table of the doc's first class, and a config that lists it. */
const ENTITIES = {
  'src/entities.ts': docEntities!.body,
  'cgmigrate.config.ts': docConfig!.body,
};

/** A class importing the project's entities (`import { User } from '../../src/entities.ts'`). */
function entityClass(name: string, revision: string, downRevision: string, body: string): string {
  return classFile(name, revision, downRevision, body).replace(
    "import { Migration } from '@mikro-orm/migrations';\n",
    "import { Migration } from '@mikro-orm/migrations';\nimport { User } from '../../src/entities.ts';\n",
  );
}

/** The path a doc block names in its first line (`// src/entities.ts`). */
const pathOf = (block: { body: string }) => /^\/\/ (\S+)/.exec(block.body)![1]!;

describe('MikroORM migration classes on SQLite: this.getEntityManager() with the config’s entities', () => {
  it('runs the doc’s data migration: its config lists the entities, its class finds, changes, creates and flushes them', async () => {
    expect([pathOf(docEntities!), pathOf(docConfig!)]).toEqual(['src/entities.ts', 'cgmigrate.config.ts']);
    const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body }, ENTITIES);
    await upgrade(p.env, { target: '1f0c3a9b2d4e' });
    const db = new Database(join(p.dir, 'app.db'));
    db.exec(`insert into "user" ("id", "email") values (1, 'Ada@Example.com'), (2, 'GRACE@example.com')`);
    db.close();
    writeFileSync(join(p.dir, pathOf(docDataMigration!)), docDataMigration!.body);

    const upgraded = await upgrade(p.env);
    expect(upgraded.steps.map((step) => step.revision)).toEqual(['5a7c0e2d9b14']);
    expect(p.rows('SELECT id, email FROM "user" ORDER BY id')).toEqual([
      { id: 1, email: 'ada@example.com' },
      { id: 2, email: 'grace@example.com' },
      { id: 3, email: 'admin@example.com' },
    ]);
    expect(p.rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '5a7c0e2d9b14' }]);
  });

  const USES_ENTITIES = entityClass(
    'Migration20241202000000',
    '6b8d',
    '1f0c3a9b2d4e',
    `
  override async up(): Promise<void> {
    const em = this.getEntityManager();
    await em.insert(User, { id: 1, email: 'inserted@example.com' });
    em.create(User, { id: 2, email: 'Created@Example.com' });
    await em.flush();
    const found = await em.find(User, {}, { orderBy: { id: 'asc' } });
    await em.createQueryBuilder(User).update({ email: 'built@example.com' }).where({ id: found[1]!.id }).execute();
    const counted = await em.createQueryBuilder(User).where({ email: { $like: '%@example.com' } }).getCount();
    this.addSql(\`create table "seen" ("found" integer not null, "counted" integer not null)\`);
    this.addSql(\`insert into "seen" values (\${found.length}, \${counted})\`);
  }`,
  );

  it('insert, create with flush, find and the query builder on the entity all run in the step', async () => {
    const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body, '6b8d_uses_entities.ts': USES_ENTITIES }, ENTITIES);
    await upgrade(p.env);
    expect(p.rows('SELECT id, email FROM "user" ORDER BY id')).toEqual([
      { id: 1, email: 'inserted@example.com' },
      { id: 2, email: 'built@example.com' },
    ]);
    expect(p.rows('SELECT * FROM "seen"')).toEqual([{ found: 2, counted: 2 }]);
    // The flush wrote in the run's one transaction, and began none of its own.
    expect(p.statements.filter((sql) => /^\s*(begin|savepoint|commit)/i.test(sql))).toEqual(['BEGIN IMMEDIATE', 'commit']);
  });

  it('rolls the entity writes back with the step when a later statement fails', async () => {
    const failing = USES_ENTITIES.replace('this.addSql(`create table "seen"', 'this.addSql(`insert into "no_such_table" values (1)`);\n    this.addSql(`create table "seen"');
    const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body, '6b8d_uses_entities.ts': failing }, ENTITIES);
    await upgrade(p.env, { target: '1f0c3a9b2d4e' });
    const error = await rejection(upgrade(p.env));
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: '6b8d', statement: 'insert into "no_such_table" values (1)', rolledBack: true });
    expect(p.rows('SELECT * FROM "user"')).toEqual([]);
    expect(tables(p)).toEqual(['user']);
    expect(p.rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '1f0c3a9b2d4e' }]);
  });

  it('outside a transaction (isTransactional() false), flushed writes commit as they go', async () => {
    const outside = entityClass(
      'Migration20241203000000',
      '7c9e',
      '1f0c3a9b2d4e',
      `
  override isTransactional(): boolean {
    return false;
  }

  override async up(): Promise<void> {
    const em = this.getEntityManager();
    em.create(User, { id: 1, email: 'kept@example.com' });
    await em.flush();
    this.addSql('insert into "no_such_table" values (1)');
  }`,
    );
    const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body, '7c9e_outside.ts': outside }, ENTITIES);
    await upgrade(p.env, { target: '1f0c3a9b2d4e' });
    expect(await rejection(upgrade(p.env))).toMatchObject({ code: 'MIGRATION_FAILED', revision: '7c9e', rolledBack: false });
    expect(p.rows('SELECT id, email FROM "user"')).toEqual([{ id: 1, email: 'kept@example.com' }]);
  });

  it('discovers the entities once, at the first getEntityManager() of a run, and not at all in a run that never asks', async () => {
    const discoveries = vi.spyOn(MikroORM.prototype, 'discoverEntity');
    try {
      const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body }, ENTITIES);
      await upgrade(p.env);
      expect(discoveries).not.toHaveBeenCalled();

      const second = entityClass('Migration20241204000000', '8daf', '6b8d', `
  override async up(): Promise<void> {
    await this.getEntityManager().nativeDelete(User, { id: 1 });
  }`);
      writeFileSync(join(p.dir, 'migrations', 'versions', '6b8d_uses_entities.ts'), USES_ENTITIES);
      writeFileSync(join(p.dir, 'migrations', 'versions', '8daf_deletes.ts'), second);
      await upgrade(p.env);
      expect(discoveries).toHaveBeenCalledTimes(1);
      expect(p.rows('SELECT id FROM "user"')).toEqual([{ id: 2 }]);
    } finally {
      discoveries.mockRestore();
    }
  });

  it('fails the first getEntityManager() with CONFIG_INVALID when MikroORM cannot discover the entities', async () => {
    const p = await project(
      { '1f0c3a9b2d4e_create_users.ts': docExample!.body, '6b8d_uses_entities.ts': USES_ENTITIES },
      {
        ...ENTITIES,
        'src/entities.ts': `${docEntities!.body}\nimport { EntitySchema } from '@mikro-orm/core';\nexport const Tag = new EntitySchema({ name: 'Tag', properties: { label: { type: 'string' } } });\n`,
        'cgmigrate.config.ts': docConfig!.body.replace("import { User }", 'import { Tag, User }').replace('entities: [User]', 'entities: [User, Tag]'),
      },
    );
    await upgrade(p.env, { target: '1f0c3a9b2d4e' });
    const error = await rejection(upgrade(p.env));
    expect(isMigrateError(error) && error.code).toBe('CONFIG_INVALID');
    expect(error).toMatchObject({ key: 'entities' });
    expect((error as Error).message).toBe(
      'Invalid configuration: entities: MikroORM could not discover them for this.getEntityManager() in revision 6b8d ' +
        `(${join(p.dir, 'migrations', 'versions', '6b8d_uses_entities.ts')}): Tag entity is missing @PrimaryKey()`,
    );
    expect(p.rows('SELECT * FROM "user"')).toEqual([]);
  });

  it('without entities in the config, an entity method says to list them there', async () => {
    const p = await project({ '1f0c3a9b2d4e_create_users.ts': docExample!.body, '6b8d_uses_entities.ts': USES_ENTITIES }, { 'src/entities.ts': docEntities!.body });
    const error = await rejection(upgrade(p.env));
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: '6b8d', rolledBack: true });
    expect(((error as Error).cause as Error).message).toBe(
      'Metadata for entity User not found: this.getEntityManager() knows the entities listed in `entities` of the cgmigrate config, ' +
        'and none are listed; add it there (`entities: [User, …]` in cgmigrate.config.ts)',
    );
  });
});

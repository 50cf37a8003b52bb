// @module-tag postgres
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { createEnvironment, downgrade, isMigrateError, loadConfig, upgrade, upgradeSql, type MigrationEnvironment } from '@cloudguard/migrate-core';
import type { DialectAdapter } from '@cloudguard/migrate-core/adapter';
import { MikroORM } from '@mikro-orm/core';
import { describe, expect, it, vi } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { onCleanup, rejection, useTestDatabase, withClient } from '../support/fixtures.js';

const url = useTestDatabase('cgm_pg_mikro_classes');
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

/**
 * A project on the test database whose `migrations/versions/` holds `files`, with the
 * repository's node_modules linked in, so that its migrations resolve
 * `@mikro-orm/migrations` as an installed project does. `projectFiles` go to the
 * project's folder; a `cgmigrate.config.ts` among them replaces the JSON config that
 * only names the test database.
 */
function project(
  files: Record<string, string>,
  projectFiles: Record<string, string> = {},
): { readonly dir: string; readonly statements: string[]; env(): Promise<MigrationEnvironment> } {
  const dir = mkdtempSync(join(tmpdir(), 'cgmigrate-pg-classes-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  symlinkSync(REPO_NODE_MODULES, join(dir, 'node_modules'), 'dir');
  const versions = join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(versions, name), text);
  for (const [name, text] of Object.entries(projectFiles)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (projectFiles['cgmigrate.config.ts'] === undefined) writeFileSync(join(dir, 'cgmigrate.config.json'), JSON.stringify({ url: url() }));
  const statements: string[] = [];
  const base = postgresAdapter();
  const adapter: DialectAdapter = { ...base, connect: (options) => base.connect({ ...options, onStatement: (sql) => statements.push(sql) }) };
  return { dir, statements, env: async () => createEnvironment(await loadConfig({ cwd: dir, env: {}, overrides: { adapter } })) };
}

async function rows(sql: string): Promise<unknown[]> {
  return withClient(url(), async (client) => (await client.query(sql)).rows);
}

async function tables(): Promise<string[]> {
  const found = (await rows(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('alembic_version', 'cgmigrate_audit') ORDER BY tablename",
  )) as { tablename: string }[];
  return found.map((row) => row.tablename);
}

const CREATE_USERS = classFile(
  'Migration20241116000001',
  '1f0c3a9b2d4e',
  null,
  `
  override async up(): Promise<void> {
    this.addSql('create table "user" ("id" serial primary key, "email" varchar(255) not null)');
  }

  override async down(): Promise<void> {
    this.addSql('drop table "user"');
  }`,
);

describe('MikroORM migration classes on PostgreSQL', () => {
  it('upgrade and downgrade through a chain mixing classes and object migrations, with version and audit rows', async () => {
    const { env } = project({
      '1f0c3a9b2d4e_create_users.ts': CREATE_USERS,
      '2b7e_seed_users.mjs':
        "export default { revision: '2b7e', downRevision: '1f0c3a9b2d4e',\n" +
        "  async up(op) { await op.bulkInsert('user', [{ email: 'a@example.com' }, { email: 'b@example.com' }]); },\n" +
        '  async down(op) { await op.execute(\'DELETE FROM "user"\'); } };\n',
      '3c9d_user_stats.ts': classFile(
        'Migration20241117000000',
        '3c9d',
        '2b7e',
        `
  override async up(): Promise<void> {
    const [{ n }] = await this.execute('select count(*)::int as n from "user" where email like ?', ['%@example.com']);
    const em = this.getEntityManager();
    await em.execute('create table "user_stats" ("users" int not null, "source" text not null)');
    await em.getKysely().insertInto('user_stats').values({ users: n, source: 'entity manager' }).execute();
    this.addSql(\`insert into "user_stats" ("users", "source") values (\${n}, 'addSql')\`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table "user_stats"');
  }`,
      ),
    });
    const upgraded = await upgrade(await env());
    expect(upgraded.steps.map((step) => step.revision)).toEqual(['1f0c3a9b2d4e', '2b7e', '3c9d']);
    expect(await tables()).toEqual(['user', 'user_stats']);
    expect(await rows('SELECT users, source FROM user_stats ORDER BY source')).toEqual([
      { users: 2, source: 'addSql' },
      { users: 2, source: 'entity manager' },
    ]);
    expect(await rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '3c9d' }]);

    await downgrade(await env(), { target: 'base' });
    expect(await tables()).toEqual([]);
    expect(await rows('SELECT version_num FROM alembic_version')).toEqual([]);
    expect(await rows('SELECT revision, direction FROM cgmigrate_audit ORDER BY id')).toEqual([
      { revision: '1f0c3a9b2d4e', direction: 'upgrade' },
      { revision: '2b7e', direction: 'upgrade' },
      { revision: '3c9d', direction: 'upgrade' },
      { revision: '3c9d', direction: 'downgrade' },
      { revision: '2b7e', direction: 'downgrade' },
      { revision: '1f0c3a9b2d4e', direction: 'downgrade' },
    ]);
  });

  it('runs a class whose isTransactional() is false outside any transaction: CREATE INDEX CONCURRENTLY', async () => {
    const concurrentIndex = (transactional: boolean) =>
      classFile(
        'Migration20241118000000',
        '4d1e',
        '1f0c3a9b2d4e',
        `
  override isTransactional(): boolean {
    return ${transactional};
  }

  override async up(): Promise<void> {
    this.addSql('create index concurrently "user_email_ix" on "user" ("email")');
  }

  override async down(): Promise<void> {
    this.addSql('drop index concurrently "user_email_ix"');
  }`,
      );
    const inTransaction = project({ '1f0c3a9b2d4e_create_users.ts': CREATE_USERS, '4d1e_index.ts': concurrentIndex(true) });
    const refused = await rejection(upgrade(await inTransaction.env()));
    expect(refused).toMatchObject({ code: 'MIGRATION_FAILED', revision: '4d1e', cause: { code: '25001' } });

    const outside = project({ '1f0c3a9b2d4e_create_users.ts': CREATE_USERS, '4d1e_index.ts': concurrentIndex(false) });
    await upgrade(await outside.env());
    expect(await rows("SELECT indisvalid FROM pg_index WHERE indexrelid = 'user_email_ix'::regclass")).toEqual([{ indisvalid: true }]);
    expect(await rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '4d1e' }]);
    await downgrade(await outside.env(), { target: '1f0c3a9b2d4e' });
    expect(await rows("SELECT to_regclass('user_email_ix') IS NULL AS gone")).toEqual([{ gone: true }]);
  });

  it('rolls back the whole step when an addSql() statement fails: this.execute() and EntityManager writes included', async () => {
    const { env } = project({
      '1f0c3a9b2d4e_create_users.ts': CREATE_USERS,
      '6f3a_fails.ts': classFile(
        'Migration20241120000000',
        '6f3a',
        '1f0c3a9b2d4e',
        `
  override async up(): Promise<void> {
    await this.execute(\`insert into "user" ("email") values ('execute@example.com')\`);
    await this.getEntityManager().getKysely().insertInto('user').values({ email: 'em@example.com' }).execute();
    this.addSql('create table "audit" ("id" int)');
    this.addSql('insert into "no_such_table" ("id") values (1)');
  }`,
      ),
    });
    await upgrade(await env(), { target: '1f0c3a9b2d4e' });
    const error = await rejection(upgrade(await env()));
    expect(isMigrateError(error) && error.code).toBe('MIGRATION_FAILED');
    expect(error).toMatchObject({ revision: '6f3a', statement: 'insert into "no_such_table" ("id") values (1)', rolledBack: true, cause: { code: '42P01' } });
    expect(await rows('SELECT * FROM "user"')).toEqual([]);
    expect(await tables()).toEqual(['user']);
    expect(await rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '1f0c3a9b2d4e' }]);
  });

  it('--sql renders the class’s statements as PostgreSQL literals, and nothing MikroORM’s runner would add', async () => {
    const { env } = project({
      '1f0c3a9b2d4e_create_users.ts': CREATE_USERS,
      '4d1e_backfill.ts': classFile(
        'Migration20241118000000',
        '4d1e',
        '1f0c3a9b2d4e',
        `
  override async up(): Promise<void> {
    await this.execute('update "user" set "email" = lower("email") where "email" <> ?', ["it's"]);
    this.addSql(this.driver.getPlatform().createNativeQueryBuilder().insert({ email: 'root@example.com' }).into('user'));
  }`,
      ),
    });
    const { sql } = await upgradeSql(await env());
    const step = sql.slice(sql.indexOf('-- Running upgrade 1f0c3a9b2d4e -> 4d1e'), sql.indexOf('UPDATE "alembic_version"'));
    expect(step.split('\n').filter((line) => line !== '')).toEqual([
      '-- Running upgrade 1f0c3a9b2d4e -> 4d1e',
      `update "user" set "email" = lower("email") where "email" <> 'it''s';`,
      `insert into "user" ("email") values ('root@example.com');`,
    ]);
    expect(sql).toContain('create table "user" ("id" serial primary key, "email" varchar(255) not null);');
    expect(sql).not.toMatch(/set names/i);
  });

  it('reports a class without up() as MALFORMED_MIGRATION, running nothing', async () => {
    const { dir, env } = project({
      '9c6d_no_up.ts': classFile('Migration20241123000000', '9c6d', null, "  override async down(): Promise<void> { this.addSql('drop table t'); }"),
    });
    const error = await rejection(upgrade(await env()));
    expect(error).toMatchObject({
      code: 'MALFORMED_MIGRATION',
      path: join(dir, 'migrations', 'versions', '9c6d_no_up.ts'),
      problem: 'it has no up() method',
      migrationClass: 'Migration20241123000000',
    });
    expect(await rows("SELECT to_regclass('alembic_version') IS NULL AS absent")).toEqual([{ absent: true }]);
  });
});

/** The project's entities: `User` of the "user" table {@link CREATE_USERS} makes. */
const ENTITIES_FILE = `import { defineEntity, p } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  properties: {
    id: p.integer().primary(),
    email: p.string(),
  },
});
`;

/** The entities file and a cgmigrate.config.ts on the test database that lists `User`. */
function entitiesProject(): Record<string, string> {
  return {
    'src/entities.ts': ENTITIES_FILE,
    'cgmigrate.config.ts': `import { User } from './src/entities.ts';\n\nexport default { url: ${JSON.stringify(url())}, entities: [User] };\n`,
  };
}

/** A class importing the project's entities (`import { User } from '../../src/entities.ts'`). */
function entityClass(name: string, revision: string, downRevision: string, body: string): string {
  return classFile(name, revision, downRevision, body).replace(
    "import { Migration } from '@mikro-orm/migrations';\n",
    "import { Migration } from '@mikro-orm/migrations';\nimport { User } from '../../src/entities.ts';\n",
  );
}

const USES_ENTITIES = entityClass(
  'Migration20241202000000',
  '6b8d',
  '1f0c3a9b2d4e',
  `
  override async up(): Promise<void> {
    const em = this.getEntityManager();
    await em.insert(User, { email: 'Inserted@Example.com' });
    const created = em.create(User, { email: 'created@example.com' });
    await em.flush();
    const found = await em.find(User, {}, { orderBy: { id: 'asc' } });
    for (const user of found) user.email = user.email.toLowerCase();
    await em.flush();
    await em.createQueryBuilder(User).update({ email: 'built@example.com' }).where({ id: created.id }).execute();
    const counted = await em.createQueryBuilder(User).where({ email: { $like: '%@example.com' } }).getCount();
    this.addSql(\`create table "seen" ("found" int not null, "counted" int not null, "created_id" int not null)\`);
    this.addSql(\`insert into "seen" values (\${found.length}, \${counted}, \${created.id})\`);
  }`,
);

describe('MikroORM migration classes on PostgreSQL: this.getEntityManager() with the config’s entities', () => {
  it('insert, create with flush, find, changes flushed and the query builder on the entity all run in the step’s transaction', async () => {
    const p = project({ '1f0c3a9b2d4e_create_users.ts': CREATE_USERS, '6b8d_uses_entities.ts': USES_ENTITIES }, entitiesProject());
    await upgrade(await p.env());
    expect(await rows('SELECT id, email FROM "user" ORDER BY id')).toEqual([
      { id: 1, email: 'inserted@example.com' },
      { id: 2, email: 'built@example.com' },
    ]);
    // The serial id came back from the flush's insert.
    expect(await rows('SELECT * FROM "seen"')).toEqual([{ found: 2, counted: 2, created_id: 2 }]);
    // The flushes wrote in the run's one transaction, and began none of their own (nor a
    // savepoint: those are the version and audit stores', around their DDL).
    const control = p.statements.filter((sql) => /^\s*(begin|start|savepoint|commit|release|rollback)/i.test(sql) && !/cgmigrate_/.test(sql));
    expect(control).toEqual(['begin', 'commit']);
  });

  it('rolls the entity writes back with the step when a later statement fails', async () => {
    const failing = USES_ENTITIES.replace('this.addSql(`create table "seen"', 'this.addSql(`insert into "no_such_table" values (1)`);\n    this.addSql(`create table "seen"');
    const p = project({ '1f0c3a9b2d4e_create_users.ts': CREATE_USERS, '6b8d_uses_entities.ts': failing }, entitiesProject());
    await upgrade(await p.env(), { target: '1f0c3a9b2d4e' });
    const error = await rejection(upgrade(await p.env()));
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: '6b8d', statement: 'insert into "no_such_table" values (1)', rolledBack: true, cause: { code: '42P01' } });
    expect(await rows('SELECT * FROM "user"')).toEqual([]);
    expect(await tables()).toEqual(['user']);
    expect(await rows('SELECT version_num FROM alembic_version')).toEqual([{ version_num: '1f0c3a9b2d4e' }]);
  });

  it('discovers the entities once, at the first getEntityManager() of a run, and not at all in a run that never asks', async () => {
    const discoveries = vi.spyOn(MikroORM.prototype, 'discoverEntity');
    try {
      const p = project({ '1f0c3a9b2d4e_create_users.ts': CREATE_USERS }, entitiesProject());
      await upgrade(await p.env());
      expect(discoveries).not.toHaveBeenCalled();

      const deletes = entityClass('Migration20241204000000', '8daf', '6b8d', `
  override async up(): Promise<void> {
    await this.getEntityManager().nativeDelete(User, { email: 'built@example.com' });
  }`);
      writeFileSync(join(p.dir, 'migrations', 'versions', '6b8d_uses_entities.ts'), USES_ENTITIES);
      writeFileSync(join(p.dir, 'migrations', 'versions', '8daf_deletes.ts'), deletes);
      await upgrade(await p.env());
      expect(discoveries).toHaveBeenCalledTimes(1);
      expect(await rows('SELECT email FROM "user"')).toEqual([{ email: 'inserted@example.com' }]);
    } finally {
      discoveries.mockRestore();
    }
  });

  it('without entities in the config, an entity method says to list them there', async () => {
    const p = project({ '1f0c3a9b2d4e_create_users.ts': CREATE_USERS, '6b8d_uses_entities.ts': USES_ENTITIES }, { 'src/entities.ts': ENTITIES_FILE });
    const error = await rejection(upgrade(await p.env()));
    expect(error).toMatchObject({ code: 'MIGRATION_FAILED', revision: '6b8d', rolledBack: true });
    expect(((error as Error).cause as Error).message).toMatch(/^Metadata for entity User not found: this\.getEntityManager\(\) knows the entities listed in `entities` of the cgmigrate config/);
  });
});

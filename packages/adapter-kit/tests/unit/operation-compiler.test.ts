import { applyTableChanges, type AlterTableOperation, type ColumnType, type CreateTableOperation, type SchemaOperation, type TableChange, type TableDescription } from '@cloudguard/migrate-core/adapter';
import { describe, expect, it } from 'vitest';

import { dialectColumnType } from '../../src/operations/index.js';
import { compileFor, platformOf, type TestDialect } from '../support/platforms.js';

const ACCOUNTS: CreateTableOperation = {
  kind: 'createTable',
  table: { name: 'accounts' },
  columns: [
    { name: 'id', type: 'integer', primaryKey: true, autoincrement: true },
    { name: 'email', type: 'string', length: 320, nullable: false, unique: true },
    { name: 'active', type: 'boolean', nullable: false, default: true },
    { name: 'plan', type: 'enum', values: ['free', 'pro'], enumName: 'account_plan', default: 'free' },
    { name: 'created_at', type: 'datetime', timezone: true, nullable: false, default: { sql: 'CURRENT_TIMESTAMP' } },
    { name: 'owner_id', type: 'integer', references: { table: 'owners', column: 'id', onDelete: 'cascade' } },
  ],
  indexes: [{ name: 'ix_accounts_email_lower', columns: [{ sql: 'lower(email)' }] }],
  uniques: [],
  foreignKeys: [],
  checks: [{ name: 'ck_accounts_id', expression: 'id > 0' }],
};

const alter = (...changes: TableChange[]): AlterTableOperation => ({ kind: 'alterTable', table: { name: 'accounts' }, changes, batch: changes.length > 1 });

async function statements(dialect: TestDialect, operation: SchemaOperation, options: Parameters<typeof compileFor>[2] = {}): Promise<readonly string[]> {
  return (await compileFor(dialect, operation, options)).statements;
}

describe('createTable', () => {
  it('writes PostgreSQL DDL through its schema helper: the enum type first, serial key, constraints after', async () => {
    expect(await statements('postgresql', ACCOUNTS)).toEqual([
      `create type "account_plan" as enum ('free', 'pro')`,
      `create table "accounts" ("id" serial primary key, "email" varchar(320) not null, "active" boolean not null default true, "plan" "account_plan" null default 'free', "created_at" timestamptz not null default CURRENT_TIMESTAMP, "owner_id" int null)`,
      'alter table "accounts" add constraint "accounts_email_unique" unique ("email")',
      'create index "ix_accounts_email_lower" on "accounts" ((lower(email)))',
      'alter table "accounts" add constraint "ck_accounts_id" check (id > 0)',
      'alter table "accounts" add constraint "accounts_owner_id_foreign" foreign key ("owner_id") references "owners" ("id") on delete cascade',
    ]);
  });

  it('writes SQLite DDL with the foreign key and checks inside the table, and an enum as text with a check', async () => {
    expect(await statements('sqlite', ACCOUNTS)).toEqual([
      "create table `accounts` (`id` integer not null primary key autoincrement, `email` text not null, `active` integer not null default 1, `plan` text check (`plan` in ('free', 'pro')) null default 'free', `created_at` datetime not null default CURRENT_TIMESTAMP, `owner_id` integer null, constraint `accounts_owner_id_foreign` foreign key (`owner_id`) references `owners` (`id`) on delete cascade, constraint `ck_accounts_id` check (id > 0))",
      'create unique index `accounts_email_unique` on `accounts` (`email`)',
      'create index `ix_accounts_email_lower` on `accounts` ((lower(email)))',
    ]);
  });

  it("writes MySQL DDL with MySQL's own enum and auto_increment", async () => {
    expect(await statements('mysql', ACCOUNTS)).toEqual([
      "create table `accounts` (`id` int not null auto_increment primary key, `email` varchar(320) not null, `active` tinyint(1) not null default 1, `plan` enum('free','pro') null default 'free', `created_at` datetime not null default CURRENT_TIMESTAMP, `owner_id` int null) default character set utf8mb4 engine = InnoDB",
      'alter table `accounts` add unique `accounts_email_unique` (`email`)',
      'alter table `accounts` add index `ix_accounts_email_lower` ((lower(email)))',
      'alter table `accounts` add constraint `ck_accounts_id` check (id > 0)',
      'alter table `accounts` add constraint `accounts_owner_id_foreign` foreign key (`owner_id`) references `owners` (`id`) on delete cascade',
    ]);
  });

  it('writes a composite primary key once, as a table constraint, on every dialect', async () => {
    const tags: CreateTableOperation = {
      ...ACCOUNTS,
      table: { name: 'tags' },
      columns: [
        { name: 'item_id', type: 'integer' },
        { name: 'tag', type: 'text' },
      ],
      primaryKey: { columns: ['item_id', 'tag'] },
      indexes: [],
      checks: [],
    };
    expect(await statements('sqlite', tags)).toEqual(['create table `tags` (`item_id` integer not null, `tag` text not null, primary key (`item_id`, `tag`))']);
    expect(await statements('postgresql', tags)).toEqual(['create table "tags" ("item_id" int not null, "tag" text not null, primary key ("item_id", "tag"))']);
  });

  it('lets nativeType win on its dialect only', async () => {
    const citext: CreateTableOperation = { ...ACCOUNTS, columns: [{ name: 'email', type: 'string', nativeType: { postgresql: 'citext' } }], indexes: [], checks: [] };
    expect(await statements('postgresql', citext)).toEqual(['create table "accounts" ("email" citext null)']);
    expect(await statements('sqlite', citext)).toEqual(['create table `accounts` (`email` text null)']);
    expect(await statements('mariadb', citext)).toEqual(['create table `accounts` (`email` varchar(255) null) default character set utf8mb4 engine = InnoDB']);
  });

  it('spells each portable type as the platform declares it', () => {
    const columns: ColumnType[] = [
      { type: 'bigint' },
      { type: 'smallint' },
      { type: 'decimal', precision: 12, scale: 2 },
      { type: 'float' },
      { type: 'double' },
      { type: 'text' },
      { type: 'uuid' },
      { type: 'json' },
      { type: 'date' },
      { type: 'time' },
      { type: 'time', timezone: true },
      { type: 'datetime' },
      { type: 'blob' },
    ];
    const spelled = (dialect: TestDialect) => columns.map((column) => dialectColumnType(column, dialect, platformOf(dialect), 'c').sql);
    expect(spelled('postgresql')).toEqual(['bigint', 'smallint', 'numeric(12,2)', 'real', 'double precision', 'text', 'uuid', 'jsonb', 'date', 'time(0)', 'timetz(0)', 'timestamp', 'bytea']);
    expect(spelled('sqlite')).toEqual(['bigint', 'integer', 'numeric(12,2)', 'real', 'double', 'text', 'text', 'json', 'date', 'time', 'time', 'datetime', 'blob']);
    expect(spelled('mysql')).toEqual(['bigint', 'smallint', 'numeric(12,2)', 'float', 'double', 'text', 'varchar(36)', 'json', 'date', 'time', 'time', 'datetime', 'blob']);
  });

  it("refuses what MikroORM cannot write for the dialect (a partial index on MariaDB), naming the operation", async () => {
    const partial: CreateTableOperation = { ...ACCOUNTS, indexes: [{ name: 'ix_active', columns: ['active'], where: 'active' }] };
    await expect(compileFor('mariadb', partial)).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      operation: 'createTable accounts',
      dialect: 'mariadb',
      reason: expect.stringContaining('partial indexes (`where`) are not supported on MariaDB'),
    });
  });
});

describe('alterTable, change by change', () => {
  const addNote: TableChange = { kind: 'addColumn', column: { name: 'note', type: 'text', nullable: false, default: "it's", comment: 'Why' } };

  it('adds a column with its comment and foreign key on PostgreSQL', async () => {
    expect(
      await statements('postgresql', alter(addNote, { kind: 'addColumn', column: { name: 'team_id', type: 'bigint', references: { table: 'teams', column: 'id' } } })),
    ).toEqual([
      `alter table "accounts" add "note" text not null default 'it''s'`,
      `comment on column "accounts"."note" is 'Why'`,
      'alter table "accounts" add "team_id" bigint null',
      'alter table "accounts" add constraint "accounts_team_id_foreign" foreign key ("team_id") references "teams" ("id")',
    ]);
  });

  it('adds a column on SQLite with its foreign key in the column', async () => {
    expect(await statements('sqlite', alter({ kind: 'addColumn', column: { name: 'team_id', type: 'integer', references: { table: 'teams', column: 'id' } } }))).toEqual([
      'alter table `accounts` add column `team_id` integer null constraint `accounts_team_id_foreign` references `teams` (`id`)',
    ]);
  });

  it('alters a column on PostgreSQL from the changes alone (offline, no table read)', async () => {
    expect(await statements('postgresql', alter({ kind: 'alterColumn', column: 'email', changes: { type: 'text', nullable: true, default: null, name: 'mail' } }))).toEqual([
      'alter table "accounts" alter column "email" drop default',
      'alter table "accounts" alter column "email" type text using ("email"::text)',
      'alter table "accounts" alter column "email" drop not null',
      'alter table "accounts" rename column "email" to "mail"',
    ]);
  });

  it("restates the whole column on MySQL, from the table's definition", async () => {
    const table: TableDescription = {
      table: { name: 'accounts' },
      columns: [{ name: 'email', type: 'string', length: 320, nullable: false, default: 'x' }],
      indexes: [],
      uniques: [],
      foreignKeys: [],
      checks: [],
    };
    expect(await statements('mysql', alter({ kind: 'alterColumn', column: 'email', changes: { nullable: true } }), { tables: [table] })).toEqual([
      "alter table `accounts` modify `email` varchar(320) null default 'x'",
    ]);
    expect(await statements('mysql', alter({ kind: 'alterColumn', column: 'email', changes: { name: 'mail' } }), { tables: [table] })).toEqual([
      "alter table `accounts` change `email` `mail` varchar(320) not null default 'x'",
    ]);
    await expect(compileFor('mysql', alter({ kind: 'alterColumn', column: 'email', changes: { nullable: true } }))).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      reason: 'table accounts does not exist',
    });
  });

  it('adds and drops indexes and constraints in each dialect’s own words', async () => {
    const changes = alter(
      { kind: 'createIndex', index: { name: 'ix_plan', columns: ['plan'], unique: true }, concurrently: false, ifNotExists: false },
      { kind: 'addForeignKey', foreignKey: { name: 'fk_owner', columns: ['owner_id'], referencedTable: { name: 'owners' }, referencedColumns: ['id'], onDelete: 'set null' } },
      { kind: 'addUnique', unique: { name: 'uq_email_plan', columns: ['email', 'plan'] } },
      { kind: 'addCheck', check: { name: 'ck_positive', expression: 'id > 0' } },
      { kind: 'dropConstraint', name: 'fk_owner', type: 'foreignKey' },
      { kind: 'dropConstraint', name: 'uq_email_plan', type: 'unique' },
      { kind: 'dropConstraint', name: 'ck_positive', type: 'check' },
      { kind: 'dropIndex', name: 'ix_plan', concurrently: false, ifExists: false },
    );
    expect(await statements('postgresql', changes)).toEqual([
      'create unique index "ix_plan" on "accounts" ("plan")',
      'alter table "accounts" add constraint "fk_owner" foreign key ("owner_id") references "owners" ("id") on delete set null',
      'alter table "accounts" add constraint "uq_email_plan" unique ("email", "plan")',
      'alter table "accounts" add constraint "ck_positive" check (id > 0)',
      'alter table "accounts" drop constraint "fk_owner"',
      'alter table "accounts" drop constraint "uq_email_plan"',
      'alter table "accounts" drop constraint "ck_positive"',
      'drop index "ix_plan"',
    ]);
    expect(await statements('mariadb', changes)).toEqual([
      'alter table `accounts` add unique `ix_plan` (`plan`)',
      'alter table `accounts` add constraint `fk_owner` foreign key (`owner_id`) references `owners` (`id`) on delete set null',
      'alter table `accounts` add unique `uq_email_plan` (`email`, `plan`)',
      'alter table `accounts` add constraint `ck_positive` check (id > 0)',
      'alter table `accounts` drop foreign key `fk_owner`',
      'alter table `accounts` drop index `uq_email_plan`',
      'alter table `accounts` drop constraint `ck_positive`',
      'alter table `accounts` drop index `ix_plan`',
    ]);
  });

  it('adds and drops a named primary key', async () => {
    const changes = alter({ kind: 'addPrimaryKey', primaryKey: { name: 'pk_accounts', columns: ['id'] } }, { kind: 'dropConstraint', name: 'pk_accounts', type: 'primaryKey' });
    expect(await statements('postgresql', changes)).toEqual([
      'alter table "accounts" add constraint "pk_accounts" primary key ("id")',
      'alter table "accounts" drop constraint "pk_accounts"',
    ]);
    expect(await statements('mysql', changes)).toEqual(['alter table `accounts` add primary key (`id`)', 'alter table `accounts` drop primary key']);
  });
});

describe('concurrent index builds', () => {
  const concurrently = alter({ kind: 'createIndex', index: { name: 'ix_email', columns: ['email'] }, concurrently: true, ifNotExists: true });

  it('are written on PostgreSQL outside a transaction', async () => {
    expect(await statements('postgresql', concurrently, { inTransaction: false })).toEqual([
      'create index concurrently if not exists "ix_email" on "accounts" ("email")',
    ]);
    expect(
      await statements('postgresql', alter({ kind: 'dropIndex', name: 'ix_email', concurrently: true, ifExists: true }), { inTransaction: false }),
    ).toEqual(['drop index concurrently if exists "ix_email"']);
  });

  it('are refused inside a transaction, and on a dialect without them, before any statement', async () => {
    await expect(compileFor('postgresql', concurrently)).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      reason: 'CONCURRENTLY cannot run inside a transaction block; mark the migration transactional: false',
    });
    await expect(compileFor('sqlite', concurrently, { inTransaction: false })).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      dialect: 'sqlite',
      reason: 'SQLite has no concurrent index builds',
    });
    await expect(compileFor('mysql', alter({ kind: 'createIndex', index: { name: 'ix', columns: ['a'] }, concurrently: false, ifNotExists: true }))).rejects.toMatchObject({
      reason: 'MySQL has no CREATE INDEX IF NOT EXISTS',
    });
  });
});

describe('constraints added NOT VALID, validated later', () => {
  const ownerKey = { name: 'fk_owner', columns: ['owner_id'], referencedTable: { name: 'owners' }, referencedColumns: ['id'], onDelete: 'set null' } as const;
  const positive = { name: 'ck_positive', expression: 'id > 0' };

  it('are written on PostgreSQL with NOT VALID after the whole constraint, and validated by name', async () => {
    expect(
      await statements('postgresql', alter({ kind: 'addForeignKey', foreignKey: ownerKey, notValid: true }, { kind: 'addCheck', check: positive, notValid: true })),
    ).toEqual([
      'alter table "accounts" add constraint "fk_owner" foreign key ("owner_id") references "owners" ("id") on delete set null not valid',
      'alter table "accounts" add constraint "ck_positive" check (id > 0) not valid',
    ]);
    expect(await statements('postgresql', { ...alter({ kind: 'validateConstraint', name: 'fk_owner' }), table: { name: 'accounts', schema: 'app' } })).toEqual([
      'alter table "app"."accounts" validate constraint "fk_owner"',
    ]);
  });

  it('are checked at once without notValid, or with notValid: false', async () => {
    expect(await statements('postgresql', alter({ kind: 'addForeignKey', foreignKey: ownerKey, notValid: false }, { kind: 'addCheck', check: positive }))).toEqual([
      'alter table "accounts" add constraint "fk_owner" foreign key ("owner_id") references "owners" ("id") on delete set null',
      'alter table "accounts" add constraint "ck_positive" check (id > 0)',
    ]);
  });

  it('are refused on a dialect without them, as concurrently is, before any statement', async () => {
    await expect(compileFor('sqlite', alter({ kind: 'addForeignKey', foreignKey: ownerKey, notValid: true }))).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      dialect: 'sqlite',
      reason: 'SQLite has no NOT VALID constraints: it checks the existing rows when it adds one',
    });
    await expect(compileFor('mariadb', alter({ kind: 'addCheck', check: positive, notValid: true }))).rejects.toMatchObject({
      reason: 'MariaDB has no NOT VALID constraints: it checks the existing rows when it adds one',
    });
    await expect(compileFor('mysql', alter({ kind: 'validateConstraint', name: 'ck_positive' }))).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      operation: 'alterTable accounts (validateConstraint)',
      reason: 'MySQL has no VALIDATE CONSTRAINT: it checks the existing rows when it adds a constraint, so none is left to validate',
    });
  });
});

describe('tables and views', () => {
  it('renames and drops tables, creates and drops views', async () => {
    expect(await statements('postgresql', { kind: 'renameTable', table: { name: 'accounts', schema: 'app' }, newName: 'users' })).toEqual([
      'alter table "app"."accounts" rename to "users"',
    ]);
    expect(await statements('postgresql', { kind: 'dropTable', table: { name: 'accounts' }, ifExists: true })).toEqual(['drop table if exists "accounts"']);
    expect(await statements('sqlite', { kind: 'createView', view: { name: 'v' }, definition: 'select 1', orReplace: true })).toEqual([
      'drop view if exists `v`',
      'create view `v` as select 1',
    ]);
    expect(await statements('mysql', { kind: 'createView', view: { name: 'v' }, definition: 'select 1', orReplace: true })).toEqual([
      'create or replace view `v` as select 1',
    ]);
    expect(await statements('postgresql', { kind: 'dropView', view: { name: 'v' }, ifExists: false })).toEqual(['drop view "v"']);
  });
});

describe('applyTableChanges', () => {
  const table: TableDescription = {
    table: { name: 'scans' },
    columns: [
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'status', type: 'string', length: 20 },
      { name: 'legacy', type: 'boolean' },
    ],
    indexes: [{ name: 'ix_legacy', columns: ['legacy'] }, { name: 'ix_status', columns: ['status'] }],
    uniques: [],
    foreignKeys: [],
    checks: [],
  };

  it('replays changes in order: a rename carries to the indexes, a dropped column takes its indexes', () => {
    const after = applyTableChanges(
      table,
      [
        { kind: 'alterColumn', column: 'status', changes: { nullable: false, default: 'queued', name: 'state' } },
        { kind: 'dropColumn', column: 'legacy' },
      ],
      'sqlite',
    );
    expect(after.columns).toEqual([
      { name: 'id', type: 'integer', primaryKey: true },
      { name: 'state', type: 'string', length: 20, nullable: false, default: 'queued', comment: undefined },
    ]);
    expect(after.indexes).toEqual([{ name: 'ix_status', columns: ['state'] }]);
  });

  it('drops the checks naming a dropped column (an enum\'s check), keeping the others', () => {
    const checked: TableDescription = {
      ...table,
      checks: [
        { name: 'scans_status_check', expression: "`status` in ('queued', 'done')" },
        { name: 'ck_id', expression: "id > 0 and 'status' <> ''" },
      ],
    };
    expect(applyTableChanges(checked, [{ kind: 'dropColumn', column: 'status' }], 'sqlite').checks).toEqual([{ name: 'ck_id', expression: "id > 0 and 'status' <> ''" }]);
  });

  it('refuses a change naming what the table does not have', () => {
    expect(() => applyTableChanges(table, [{ kind: 'dropConstraint', name: 'fk_nothing', type: 'foreignKey' }], 'sqlite')).toThrow(
      expect.objectContaining({ code: 'OPERATION_NOT_SUPPORTED', reason: 'table scans has no foreignKey constraint fk_nothing' }),
    );
  });
});

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Migration as Revision, MigrationOperations, Row } from '@cloudguard/migrate-core';
import { isMigrateError, type MigrationClassIdentity } from '@cloudguard/migrate-core/adapter';
import { defineEntity, EntitySchema, MetadataError, p, raw } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { MikroORM, SqliteDriver } from '@mikro-orm/sqlite';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { ORM_WITHOUT_ENTITIES, registerMigrationOrm } from '../../src/index.js';
import { mikroOrmMigrationClasses } from '../../src/mikro-orm/index.js';

const support = mikroOrmMigrationClasses({ driver: SqliteDriver, dbName: ':memory:' });

const identity = (name: string): MigrationClassIdentity => ({
  path: `/project/migrations/versions/${name}.ts`,
  name,
  revision: '1f0c3a9b2d4e',
  downRevision: null,
  message: name,
});

/** The class as a revision; fails the test when it is a problem instead. */
function revisionOf(migrationClass: abstract new (...args: never[]) => unknown): Revision {
  const migration = support.toMigration(migrationClass, identity(migrationClass.name));
  if (typeof migration === 'string') throw new Error(`expected a migration, got the problem: ${migration}`);
  return migration;
}

/** An `op` that records what runs through it: `query` answers `rows`. */
function recordingOp(options: { offline?: boolean; rows?: Row[]; connection?: unknown; db?: unknown } = {}) {
  const log: string[] = [];
  const op = {
    dialect: 'sqlite',
    offline: options.offline ?? false,
    execute: async (sql: string, params?: readonly unknown[]) => void log.push(`execute ${sql}${params?.length ? ` ${JSON.stringify(params)}` : ''}`),
    query: async (sql: string) => {
      log.push(`query ${sql}`);
      return options.rows ?? [];
    },
    bulkInsert: async () => {
      throw new Error('not used');
    },
    db: options.db ?? null,
    connection: options.connection ?? null,
  } as unknown as MigrationOperations;
  return { op, log };
}

async function rejection(promise: unknown): Promise<unknown> {
  return Promise.resolve(promise).then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** A MikroORM instance as an adapter starts one, never connected: entities are only discovered and created. */
function unconnectedOrm(dbName = ':memory:'): MikroORM {
  return new MikroORM({ dbName, ...ORM_WITHOUT_ENTITIES });
}

/** A second copy of MikroORM's `Migration`, as the user's project would resolve its own `@mikro-orm/migrations`. */
const copyDir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-mikro-copy-'));
afterAll(() => rmSync(copyDir, { recursive: true, force: true }));
async function anotherCopyOfMigration(): Promise<typeof Migration> {
  copyFileSync(new URL('Migration.js', import.meta.resolve('@mikro-orm/migrations')), path.join(copyDir, 'Migration.js'));
  writeFileSync(path.join(copyDir, 'package.json'), '{ "type": "module" }');
  const module = (await import(pathToFileURL(path.join(copyDir, 'Migration.js')).href)) as { Migration: typeof Migration };
  return module.Migration;
}

describe('MikroORM migration classes: what toMigration accepts', () => {
  it('takes identity from core, transactional from isTransactional(), and has no down() when the class does not override it', () => {
    class Migration20241116000001 extends Migration {
      override async up(): Promise<void> {
        this.addSql('create table "user" (id integer primary key)');
      }
    }
    const migration = revisionOf(Migration20241116000001);
    expect(migration).toMatchObject({ revision: '1f0c3a9b2d4e', downRevision: null, message: 'Migration20241116000001', transactional: true });
    expect(migration.down).toBeUndefined();
  });

  it('is not transactional when isTransactional() says false, and keeps a down() defined anywhere below MikroORM’s Migration', () => {
    abstract class Reversible extends Migration {
      override async down(): Promise<void> {
        this.addSql('drop index ix');
      }
    }
    class Concurrent extends Reversible {
      readonly concurrent = true;
      override isTransactional(): boolean {
        return !this.concurrent;
      }
      override async up(): Promise<void> {
        this.addSql('create index ix on t (a)');
      }
    }
    const migration = revisionOf(Concurrent);
    expect(migration.transactional).toBe(false);
    expect(migration.down).toBeTypeOf('function');
  });

  it('answers a problem for a class that does not extend Migration, has no up(), or whose isTransactional() throws', () => {
    class Plain {
      async up(): Promise<void> {}
    }
    // @ts-expect-error TS2515: the class a user forgot to give up(), which MikroORM's base leaves abstract
    class NoUp extends Migration {}
    class Throws extends Migration {
      override async up(): Promise<void> {}
      override isTransactional(): boolean {
        throw new Error('not decided');
      }
    }
    expect(support.toMigration(Plain, identity('Plain'))).toBe(
      "it does not extend MikroORM's Migration class (import { Migration } from '@mikro-orm/migrations')",
    );
    expect(support.toMigration(NoUp, identity('NoUp'))).toBe('it has no up() method');
    expect(support.toMigration(Migration, identity('Migration'))).toBe('it has no up() method');
    expect(support.toMigration(Throws, identity('Throws'))).toBe('new Throws(driver, config).isTransactional() failed: not decided');
    expect(support.framework).toBe('MikroORM');
  });

  it('accepts a class that extends another copy of @mikro-orm/migrations, and runs it', async () => {
    const TheirMigration = await anotherCopyOfMigration();
    expect(TheirMigration).not.toBe(Migration);
    class Theirs extends TheirMigration {
      override async up(): Promise<void> {
        this.addSql('create table theirs (id integer)');
      }
    }
    const { op, log } = recordingOp();
    await revisionOf(Theirs).up(op);
    expect(log).toEqual(['execute create table theirs (id integer)']);
  });

  it('does not take a look-alike: an ancestor named Migration without MikroORM’s methods', () => {
    const LookAlike = { Migration: class Migration {} }.Migration;
    class Fake extends LookAlike {
      async up(): Promise<void> {}
    }
    expect(support.toMigration(Fake, identity('Fake'))).toMatch(/^it does not extend MikroORM's Migration class/);
  });
});

describe('MikroORM migration classes: running up() and down() through op', () => {
  it('runs this.execute() at once through op.query, returning its rows, then addSql() queries through op.execute in order', async () => {
    const seen: unknown[] = [];
    class Counted extends Migration {
      override async up(): Promise<void> {
        this.addSql('create table "user" (id integer primary key, name text)');
        this.addSql(raw('insert into ?? (name) values (?)', ['user', "it's"]));
        this.addSql('   ');
        this.addSql(this.driver.getPlatform().createNativeQueryBuilder().update({ name: 'x' }).from('user').where('id = ?', [1]));
        seen.push(await this.execute('select count(*) as n from "user" where name = ?', ['a?b']));
      }
      override async down(): Promise<void> {
        this.addSql('drop table "user"');
      }
    }
    const { op, log } = recordingOp({ rows: [{ n: 2 }] });
    const migration = revisionOf(Counted);
    await migration.up(op);
    expect(seen).toEqual([[{ n: 2 }]]);
    expect(log).toEqual([
      `query select count(*) as n from "user" where name = 'a?b'`,
      'execute create table "user" (id integer primary key, name text)',
      "execute insert into `user` (name) values ('it''s')",
      "execute update `user` set `name` = 'x' where id = 1",
    ]);
    log.length = 0;
    await migration.down!(op);
    expect(log).toEqual(['execute drop table "user"']);
  });

  it('builds a fresh instance for each run, on the MikroORM instance the adapter registered for op.connection, with op.db as its transaction context', async () => {
    const orm = unconnectedOrm('registered.db');
    registerMigrationOrm(orm);
    const transaction = { marker: 'the step transaction' };
    const instances: Migration[] = [];
    const seen: unknown[] = [];
    class Bound extends Migration {
      override async up(): Promise<void> {
        instances.push(this);
        seen.push(this.driver === orm.driver, this.config.get('dbName'), this.getEntityManager().getTransactionContext() === transaction);
      }
    }
    const migration = revisionOf(Bound);
    const { op } = recordingOp({ connection: orm.driver.getConnection(), db: transaction });
    await migration.up(op);
    await migration.up(op);
    expect(seen).toEqual([true, 'registered.db', true, true, 'registered.db', true]);
    expect(instances[0]).not.toBe(instances[1]);
  });

  it('fails this.getEntityManager() with OPERATION_NOT_SUPPORTED online when the adapter registered no MikroORM instance', async () => {
    class WantsEm extends Migration {
      override async up(): Promise<void> {
        this.getEntityManager();
      }
    }
    const error = await rejection(revisionOf(WantsEm).up(recordingOp({ connection: {} }).op));
    expect(isMigrateError(error) && error.code).toBe('OPERATION_NOT_SUPPORTED');
    expect((error as Error).message).toBe(
      'this.getEntityManager() in revision 1f0c3a9b2d4e (/project/migrations/versions/WantsEm.ts) cannot run on sqlite: ' +
        'the adapter registered no MikroORM instance for its connection (registerMigrationOrm)',
    );
  });

  it('offline, renders addSql() queries and writing this.execute() calls through op.execute, answering []', async () => {
    const answers: unknown[] = [];
    class Rendered extends Migration {
      override async up(): Promise<void> {
        answers.push(await this.execute('update "user" set name = ? where id = ?', ['x', 1]));
        this.addSql(raw('create index ?? on "user" (name)', ['ix_user_name']));
      }
    }
    const { op, log } = recordingOp({ offline: true });
    await revisionOf(Rendered).up(op);
    expect(answers).toEqual([[]]);
    expect(log).toEqual([`execute update "user" set name = 'x' where id = 1`, 'execute create index `ix_user_name` on "user" (name)']);
  });

  it('offline, fails a this.execute() that reads and this.getEntityManager() with OFFLINE_READ_NOT_SUPPORTED, running nothing', async () => {
    class Reads extends Migration {
      override async up(): Promise<void> {
        await this.execute('select   count(*)\n from "user"');
      }
    }
    class WantsEm extends Migration {
      override async up(): Promise<void> {
        this.getEntityManager();
      }
    }
    for (const [migrationClass, operation] of [
      [Reads, `this.execute('select count(*) from "user"')`],
      [WantsEm, 'this.getEntityManager()'],
    ] as const) {
      const { op, log } = recordingOp({ offline: true });
      const error = await rejection(revisionOf(migrationClass).up(op));
      expect(isMigrateError(error) && error.code).toBe('OFFLINE_READ_NOT_SUPPORTED');
      expect(error).toMatchObject({ revision: '1f0c3a9b2d4e', path: `/project/migrations/versions/${migrationClass.name}.ts`, operation });
      expect(log).toEqual([]);
    }
  });

  it('runs none of the collected queries when up() throws', async () => {
    class Fails extends Migration {
      override async up(): Promise<void> {
        this.addSql('create table t (id integer)');
        throw new Error('up failed');
      }
    }
    const { op, log } = recordingOp();
    expect(await rejection(revisionOf(Fails).up(op))).toMatchObject({ message: 'up failed' });
    expect(log).toEqual([]);
  });
});

describe('MikroORM migration classes: this.getEntityManager() and the configured entities', () => {
  const User = defineEntity({ name: 'User', properties: { id: p.integer().primary(), email: p.string() } });
  const Unlisted = defineEntity({ name: 'Unlisted', properties: { id: p.integer().primary() } });

  /** A class whose up() creates a `User` through its EntityManager, and one that never asks for it. */
  const created: unknown[] = [];
  class CreatesUser extends Migration {
    override async up(): Promise<void> {
      created.push(this.getEntityManager().create(User, { id: 1, email: 'a@example.com' }));
    }
  }
  class OnlySql extends Migration {
    override async up(): Promise<void> {
      this.addSql('select 1');
    }
  }

  /** A registered, never connected instance and an op on its connection. */
  function registered(entities?: readonly unknown[]) {
    const orm = unconnectedOrm();
    registerMigrationOrm(orm, entities);
    return { orm, op: recordingOp({ connection: orm.driver.getConnection(), db: {} }).op };
  }

  it('discovers the configured entities at the first getEntityManager() of the run, once, and not for a run that never asks', async () => {
    const quiet = registered([User]);
    const quietDiscoveries = vi.spyOn(quiet.orm, 'discoverEntity');
    await revisionOf(OnlySql).up(quiet.op);
    expect(quietDiscoveries).not.toHaveBeenCalled();
    expect(quiet.orm.getMetadata().has(User.meta.class)).toBe(false);

    const asking = registered([User]);
    const discoveries = vi.spyOn(asking.orm, 'discoverEntity');
    created.length = 0;
    await revisionOf(CreatesUser).up(asking.op);
    await revisionOf(CreatesUser).up(asking.op);
    expect(discoveries).toHaveBeenCalledTimes(1);
    expect(created).toHaveLength(2);
    expect(created[0]).toMatchObject({ id: 1, email: 'a@example.com' });
  });

  it('gives each step an EntityManager of its own: the identity map starts empty', async () => {
    const { op } = registered([User]);
    const managers: unknown[] = [];
    class Remembers extends Migration {
      override async up(): Promise<void> {
        const em = this.getEntityManager();
        const held = () => em.getUnitOfWork().getIdentityMap().values().length;
        managers.push(em, held());
        em.merge(User, { id: 7, email: 'kept@example.com' });
        managers.push(held(), this.getEntityManager() === em);
      }
    }
    await revisionOf(Remembers).up(op);
    await revisionOf(Remembers).up(op);
    // [em, held before, held after merge, same em within the step] per step
    expect(managers.slice(1, 4)).toEqual([0, 1, true]);
    expect(managers.slice(5, 8)).toEqual([0, 1, true]);
    expect(managers[4]).not.toBe(managers[0]);
  });

  it('fails the first getEntityManager() with CONFIG_INVALID (key entities) when MikroORM cannot discover them, and every later one alike', async () => {
    const NoPrimaryKey = new EntitySchema({ name: 'NoPrimaryKey', properties: { label: { type: 'string' } } });
    const { op } = registered([NoPrimaryKey]);
    const error = await rejection(revisionOf(CreatesUser).up(op));
    expect(isMigrateError(error) && error.code).toBe('CONFIG_INVALID');
    expect(error).toMatchObject({ key: 'entities', cause: expect.any(MetadataError) });
    expect((error as Error).message).toBe(
      'Invalid configuration: entities: MikroORM could not discover them for this.getEntityManager() in revision 1f0c3a9b2d4e ' +
        '(/project/migrations/versions/CreatesUser.ts): NoPrimaryKey entity is missing @PrimaryKey()',
    );
    expect(await rejection(revisionOf(CreatesUser).up(op))).toBe(error);
  });

  it('explains an entity the EntityManager does not know: list it in the config’s entities', async () => {
    class Uses extends Migration {
      static entity: unknown;
      override async up(): Promise<void> {
        this.getEntityManager().create(Uses.entity as typeof User, { id: 1 } as never);
      }
    }
    class Plain {
      id!: number;
    }
    const failure = async (entities: readonly unknown[] | undefined, entity: unknown) => {
      Uses.entity = entity;
      return rejection(revisionOf(Uses).up(registered(entities).op));
    };
    // Without entities MikroORM fails a defineEntity() schema with a TypeError, a class with its bare MetadataError.
    const none = await failure(undefined, User);
    expect(none).toBeInstanceOf(MetadataError);
    expect((none as Error).message).toBe(
      'Metadata for entity User not found: this.getEntityManager() knows the entities listed in `entities` of the cgmigrate config, ' +
        'and none are listed; add it there (`entities: [User, …]` in cgmigrate.config.ts)',
    );
    expect((await failure([], Plain) as Error).message).toMatch(/^Metadata for entity Plain not found: this\.getEntityManager\(\) knows/);
    const unlisted = await failure([User], Unlisted);
    expect((unlisted as Error).message).toBe(
      'Metadata for entity Unlisted not found: it is not among the entities listed in `entities` of the cgmigrate config, ' +
        'the ones this.getEntityManager() knows; add it there (`entities: [Unlisted, …]` in cgmigrate.config.ts)',
    );
    expect((await failure([User], 'Unlisted') as Error).message).toMatch(/^Metadata for entity Unlisted not found: it is not among/);
  });
});

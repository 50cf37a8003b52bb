/**
 * Throwaway MariaDB databases for tests, as `postgres.ts` makes PostgreSQL ones: each
 * call creates a uniquely named database on the server of `CGMIGRATE_TEST_MARIADB_URL`
 * (default `mysql://root@127.0.0.1:3306/mysql`) and `drop()` removes it. Names carry the
 * process id, a timestamp and random bits, so parallel runs never collide.
 *
 * Depends on `@mikro-orm/mariadb` alone (its Kysely client runs the statements).
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';

import { MikroORM } from '@mikro-orm/mariadb';
import { CompiledQuery } from 'kysely';

/** The server tests use unless `CGMIGRATE_TEST_MARIADB_URL` names another. */
export const DEFAULT_TEST_MARIADB_URL = 'mysql://root@127.0.0.1:3306/mysql';

/** A database made for one test file (or one test). */
export interface TestMariaDbDatabase {
  /** `mysql://…/<name>`: the server URL with this database. */
  readonly url: string;
  /** The database name, `<prefix>_<pid>_<time>_<random>`. */
  readonly name: string;
  /** Runs SQL in this database and returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Drops the database. Safe to call more than once. */
  drop(): Promise<void>;
}

/** The URL of the MariaDB test server. */
export function testMariaDbServerUrl(): string {
  return process.env['CGMIGRATE_TEST_MARIADB_URL'] || DEFAULT_TEST_MARIADB_URL;
}

/**
 * Creates a fresh, empty database on the MariaDB test server.
 *
 * ### Examples
 * ```ts
 * const db = await createTestMariaDbDatabase('adapter_mariadb');
 * afterAll(() => db.drop());
 * ```
 * @throws {Error} when the server cannot be reached or refuses `CREATE DATABASE`.
 */
export async function createTestMariaDbDatabase(prefix = 'cgmigrate_test'): Promise<TestMariaDbDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`Invalid test database prefix '${prefix}'`);
  const server = new URL(testMariaDbServerUrl());
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await open(server, server.pathname.slice(1) || 'mysql');
  try {
    await run(admin, `CREATE DATABASE \`${name}\``);
  } finally {
    await admin.close(true);
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  let inside: MikroORM | undefined;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async query<T>(sql: string, params: readonly unknown[] = []) {
      inside ??= await open(server, name);
      return run<T>(inside, sql, params);
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      await inside?.close(true);
      const again = await open(server, server.pathname.slice(1) || 'mysql');
      try {
        await run(again, `DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await again.close(true);
      }
    },
  };
}

async function open(server: URL, database: string): Promise<MikroORM> {
  const orm = new MikroORM({
    dbName: database,
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username || 'root'),
    ...(server.password ? { password: decodeURIComponent(server.password) } : {}),
    pool: { min: 0, max: 1 },
    entities: [],
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: true,
    ensureDatabase: false,
    debug: false,
    logger: () => {},
  });
  await orm.connect();
  return orm;
}

async function run<T>(orm: MikroORM, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  const result = await orm.driver.getConnection().getClient().executeQuery<T>(CompiledQuery.raw(sql, [...params]));
  return [...result.rows];
}

/**
 * Throwaway PostgreSQL databases for tests: each call creates a uniquely named
 * database on the server of `CGMIGRATE_TEST_PG_URL` (default
 * `postgresql://postgres@127.0.0.1:5432/postgres`) and `drop()` removes it with
 * `DROP DATABASE … WITH (FORCE)`, which also ends sessions a failed test left open.
 * Names carry the process id, a timestamp and random bits, so parallel test files,
 * runs and leftovers on a shared server never collide.
 *
 * Depends on `pg` alone, so any package's tests can import it as
 * `../../../tools/test-db/postgres.js`.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';

/** The server tests use unless `CGMIGRATE_TEST_PG_URL` names another. */
export const DEFAULT_TEST_PG_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A database made for one test file (or one test). */
export interface TestDatabase {
  /** `postgresql://…/<name>`: the server URL with this database. */
  readonly url: string;
  /** The database name, `<prefix>_<pid>_<time>_<random>`. */
  readonly name: string;
  /** Drops the database, ending its sessions first. Safe to call more than once. */
  drop(): Promise<void>;
}

/** The URL of the test server (an administrative database on it). */
export function testServerUrl(): string {
  return process.env['CGMIGRATE_TEST_PG_URL'] || DEFAULT_TEST_PG_URL;
}

/**
 * Creates a fresh, empty database on the test server.
 *
 * ### Examples
 * ```ts
 * const db = await createTestDatabase('adapter_pg');
 * afterAll(() => db.drop());
 * const connection = await postgresAdapter().connect({ url: db.url, … });
 * ```
 *
 * @param prefix - start of the name: lower-case letters, digits and `_`.
 * @throws {Error} when the server cannot be reached or refuses `CREATE DATABASE`.
 */
export async function createTestDatabase(prefix = 'cgmigrate_test'): Promise<TestDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,30}$/.test(prefix)) throw new Error(`Invalid test database prefix '${prefix}'`);
  const server = testServerUrl();
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await onServer(server, `CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await onServer(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Runs one statement on `url` (a test database's, or the server's) on a connection of its
 * own, and returns its rows.
 *
 * ### Examples
 * ```ts
 * const [row] = await queryTestDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM applied_log');
 * ```
 */
export async function queryTestDatabase<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'cgmigrate-test-db' });
  client.on('error', () => {});
  await client.connect();
  try {
    return ((await client.query(sql)) as { rows: T[] }).rows;
  } finally {
    await client.end();
  }
}

async function onServer(server: string, sql: string): Promise<void> {
  await queryTestDatabase(server, sql);
}

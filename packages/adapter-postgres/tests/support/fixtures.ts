import type { AdapterConnection, ConnectOptions } from '@cloudguard/migrate-core/adapter';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

import { createTestDatabase, type TestDatabase } from '../../../../tools/test-db/postgres.js';
import { postgresAdapter, type PostgresAdapterOptions } from '../../src/index.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Registers `cleanup` to run after the current test. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/**
 * A throwaway database for the calling test file, dropped after it; before each test
 * every schema is dropped and an empty `public` recreated, so tests start alike.
 * Returns a getter for its URL (available once `beforeAll` has run).
 */
export function useTestDatabase(prefix = 'cgm_adapter_pg'): () => string {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(prefix);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(async () => {
    await withClient(database!.url, (client) =>
      client.query(`DO $$ DECLARE s text; BEGIN
          FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
            EXECUTE format('DROP SCHEMA %I CASCADE', s);
          END LOOP;
          CREATE SCHEMA public;
        END $$`),
    );
  });
  return () => database!.url;
}

/** Runs `work` on a plain pg client of the test's own, outside the adapter. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openClient(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A plain pg client, closed after the test. */
export async function openClient(url: string, applicationName = 'cgmigrate-test'): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on('error', () => {});
  await client.connect();
  onCleanup(() => client.end().catch(() => {}));
  return client;
}

/** What core passes to `connect`. */
export function connectOptions(url: string, overrides: Partial<ConnectOptions> = {}): ConnectOptions {
  return { url, cwd: process.cwd(), versionTable: { name: 'alembic_version' }, purpose: 'migrate', ...overrides };
}

/** Connects with the adapter and closes the connection after the test. */
export async function connect(options: ConnectOptions, adapterOptions: PostgresAdapterOptions = {}): Promise<AdapterConnection> {
  const connection = await postgresAdapter(adapterOptions).connect(options);
  onCleanup(() => connection.close());
  return connection;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

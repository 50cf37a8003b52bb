import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AdapterConnection, ConnectOptions } from '@cloudguard/migrate-core/adapter';
import { afterEach } from 'vitest';

import { sqliteAdapter, type SqliteAdapterOptions } from '../../src/index.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh directory for one test, removed after it. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cgmigrate-sqlite-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What core passes to `connect`, for a URL relative to `cwd`. */
export function connectOptions(url: string, cwd: string, overrides: Partial<ConnectOptions> = {}): ConnectOptions {
  return { url, cwd, versionTable: { name: 'alembic_version' }, purpose: 'migrate', ...overrides };
}

/** Connects with the adapter and closes the connection after the test. */
export async function connect(
  options: ConnectOptions,
  adapterOptions: SqliteAdapterOptions = {},
): Promise<AdapterConnection> {
  const connection = await sqliteAdapter(adapterOptions).connect(options);
  cleanups.push(() => connection.close());
  return connection;
}

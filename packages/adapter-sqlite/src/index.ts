/**
 * SQLite dialect for cgmigrate, built on MikroORM 7.
 *
 * ### Examples
 * ```ts
 * import { sqliteAdapter } from '@cloudguard/migrate-adapter-sqlite';
 * const adapter = sqliteAdapter({ busyTimeoutMs: 10_000 });
 * ```
 *
 * @packageDocumentation
 */

import type { DialectAdapter } from '@cloudguard/migrate-core/adapter';

import { sqliteAdapter } from './sqlite-adapter.js';

export { sqliteAdapter, type SqliteAdapterOptions } from './sqlite-adapter.js';

/** A ready adapter with default options, so `import('@cloudguard/migrate-adapter-sqlite')` yields an adapter. */
const adapter: DialectAdapter = sqliteAdapter();
export default adapter;

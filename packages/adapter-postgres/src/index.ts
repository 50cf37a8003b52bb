/**
 * PostgreSQL dialect for cgmigrate, built on MikroORM 7.
 *
 * ### Examples
 * ```ts
 * import { postgresAdapter } from '@cloudguard/migrate-adapter-postgres';
 * const adapter = postgresAdapter({ lockTimeout: '5s' });
 * ```
 *
 * @packageDocumentation
 */

import type { DialectAdapter } from '@cloudguard/migrate-core/adapter';

import { postgresAdapter } from './postgres-adapter.js';

export { postgresAdapter, type PostgresAdapterOptions, type PostgresDuration } from './postgres-adapter.js';

/** A ready adapter with default options, so `import('@cloudguard/migrate-adapter-postgres')` yields an adapter. */
const adapter: DialectAdapter = postgresAdapter();
export default adapter;

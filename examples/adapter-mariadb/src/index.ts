/**
 * A third-party MariaDB/MySQL dialect for cgmigrate, written against
 * `@cloudguard/migrate-core`'s public API only. Use it from a config file
 * (`adapter: mariadbAdapter()` or `adapter: '@cloudguard-examples/migrate-adapter-mariadb'`),
 * from a service (`registerAdapter(mariadbAdapter())`), or install it into the CLI as
 * an oclif plugin (`cgmigrate plugins link <this folder>`), which then serves
 * `mysql://` and `mariadb://` URLs.
 *
 * @packageDocumentation
 */


import type { DialectAdapter } from '@cloudguard/migrate-core/adapter';
import { mariadbAdapter } from './mariadb-adapter.js';

export { mariadbAdapter } from './mariadb-adapter.js';
export { MARIADB_SCHEMES, parseMariaDbUrl, type MariaDbLocation } from './mariadb-url.js';
export { MariaDbPartialCommitError } from './mariadb-partial-failure.js';

/** A ready adapter, so that `import('@cloudguard-examples/migrate-adapter-mariadb')` yields one. */
export const adapter: DialectAdapter = mariadbAdapter();
export default adapter;

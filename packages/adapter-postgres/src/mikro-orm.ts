/**
 * `@cloudguard/migrate-adapter-postgres/mikro-orm`: MikroORM's `orm.migrator`, run through
 * cgmigrate on PostgreSQL. Kept apart from the adapter's main entry, which the CLI imports
 * without ever loading this.
 *
 * ### Examples
 * ```ts
 * import { MikroORM } from '@mikro-orm/postgresql';
 * import { cgmigrateMigrator } from '@cloudguard/migrate-adapter-postgres/mikro-orm';
 *
 * const orm = await MikroORM.init({ clientUrl: process.env.DATABASE_URL, entities: [Scan], extensions: [cgmigrateMigrator()] });
 * await orm.migrator.up(); // cgmigrate upgrade head, under its advisory lock
 * ```
 *
 * @packageDocumentation
 */

import { migratorExtension, type CgmigrateMigratorOptions, type MigratorExtension } from '@cloudguard/migrate-adapter-kit/mikro-orm';

import { postgresOrmDatabaseUrl } from './postgres-orm-url.js';

export type { CgmigrateMigrator, CgmigrateMigratorOptions, ExecutedMigration, MigratorExtension } from '@cloudguard/migrate-adapter-kit/mikro-orm';

/**
 * The MikroORM extension (`extensions: [cgmigrateMigrator()]`) that makes `orm.migrator`
 * and the `mikro-orm migration:*` commands run through cgmigrate: its revision graph,
 * migration lock (a PostgreSQL advisory lock, so services started together take turns),
 * version and audit tables, on the same database.
 *
 * The cgmigrate configuration is found as `upgradeDatabase()` finds it (`cgmigrate.config.ts`
 * in `process.cwd()`, or `options.config`); the URL is `options.url`, else `DATABASE_URL`,
 * else the config's `url`, else the ORM's own connection settings (`clientUrl`, `host`,
 * `port`, `user`, `password`, `dbName`).
 *
 * ### Examples
 * ```ts
 * const orm = await MikroORM.init({
 *   clientUrl: 'postgresql://app@db:5432/app',
 *   entities: [Scan],
 *   extensions: [cgmigrateMigrator()],
 * });
 * await orm.migrator.up();
 * ```
 * @throws {ConfigInvalidError} from `MikroORM.init()`, when the ORM's `extensions` list another `Migrator`.
 */
export function cgmigrateMigrator(options: CgmigrateMigratorOptions = {}): MigratorExtension {
  return migratorExtension({ packageName: '@cloudguard/migrate-adapter-postgres', databaseUrl: postgresOrmDatabaseUrl }, options);
}

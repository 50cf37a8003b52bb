/**
 * `@cloudguard/migrate-adapter-sqlite/mikro-orm`: MikroORM's `orm.migrator`, run through
 * cgmigrate on SQLite. Kept apart from the adapter's main entry, which the CLI imports
 * without ever loading this.
 *
 * ### Examples
 * ```ts
 * import { MikroORM } from '@mikro-orm/sqlite';
 * import { cgmigrateMigrator } from '@cloudguard/migrate-adapter-sqlite/mikro-orm';
 *
 * const orm = await MikroORM.init({ dbName: 'app.db', entities: [Scan], extensions: [cgmigrateMigrator()] });
 * await orm.migrator.up(); // cgmigrate upgrade head, on app.db
 * ```
 *
 * @packageDocumentation
 */

import { migratorExtension, type CgmigrateMigratorOptions, type MigratorExtension } from '@cloudguard/migrate-adapter-kit/mikro-orm';

import { sqliteOrmDatabaseUrl } from './sqlite-orm-url.js';

export type { CgmigrateMigrator, CgmigrateMigratorOptions, ExecutedMigration, MigratorExtension } from '@cloudguard/migrate-adapter-kit/mikro-orm';

/**
 * The MikroORM extension (`extensions: [cgmigrateMigrator()]`) that makes `orm.migrator`
 * and the `mikro-orm migration:*` commands run through cgmigrate: its revision graph,
 * migration lock, version and audit tables, on the same database.
 *
 * The cgmigrate configuration is found as `upgradeDatabase()` finds it (`cgmigrate.config.ts`
 * in `process.cwd()`, or `options.config`); the URL is `options.url`, else `DATABASE_URL`,
 * else the config's `url`, else the ORM's own SQLite file.
 *
 * ### Examples
 * ```ts
 * const orm = await MikroORM.init({
 *   dbName: 'app.db',
 *   entities: [Scan],
 *   extensions: [cgmigrateMigrator({ config: './cgmigrate.config.ts' })],
 * });
 * await orm.migrator.up();
 * ```
 * @throws {ConfigInvalidError} from `MikroORM.init()`, when the ORM's `extensions` list another `Migrator`.
 */
export function cgmigrateMigrator(options: CgmigrateMigratorOptions = {}): MigratorExtension {
  return migratorExtension({ packageName: '@cloudguard/migrate-adapter-sqlite', databaseUrl: sqliteOrmDatabaseUrl }, options);
}

/**
 * `@cloudguard/migrate-adapter-kit/mikro-orm`: what cgmigrate does with MikroORM's own
 * migrations: its `Migration` classes run as revisions, a MikroORM project's history is
 * adopted, and `orm.migrator` runs through cgmigrate.
 *
 * This entry loads `@mikro-orm/migrations`: adapters import it lazily, from
 * `DialectAdapter.migrationClasses()`, so that commands which only read revision headers
 * never load it.
 *
 * @packageDocumentation
 */

export { mikroOrmMigrationClasses, type MikroOrmMigrationDialect } from './migration-classes.js';

// A new revision written as MikroORM's migration class (`cgmigrate revision --format mikro-orm`)
export { renderMikroOrmMigrationFile } from './migration-file.js';

// orm.migrator through cgmigrate: the extension each adapter exports for its dialect
export { migratorExtension, type MigratorExtension } from './migrator-extension.js';
export { CgmigrateMigrator, type ExecutedMigration } from './cgmigrate-migrator.js';
export type { CgmigrateMigratorOptions, OrmMigratorDialect } from './migrator-target.js';
export { ormMigrationName, revisionForName } from './migration-names.js';

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

// Adopting a MikroORM project's migrations and history (`cgmigrate import mikro-orm`).
export { adoptMikroOrmProject } from './adopt-mikro-orm-project.js';
export type { AdoptedRevision, AdoptionStamp, MikroOrmAdoptionOptions, MikroOrmAdoptionResult } from './adopt-mikro-orm-project.js';
export { adoptedRevisionId } from './adopted-revision-id.js';
export { annotateMigrationClass, readMigrationClassStatics } from './annotate-migration-class.js';
export type { ClassAnnotation, MigrationClassStatics } from './annotate-migration-class.js';
export { loadMikroOrmConfig, mikroOrmConfigPaths } from './mikro-orm-config-file.js';
export type { LoadedMikroOrmConfig, MikroOrmConfigLookup } from './mikro-orm-config-file.js';
export { readMikroOrmHistory } from './mikro-orm-history.js';
export type { MikroOrmHistoryRow, MikroOrmHistoryTable } from './mikro-orm-history.js';
export { listMikroOrmMigrations, mikroOrmMigrationName } from './mikro-orm-migration-files.js';
export type { MikroOrmMigrationFile } from './mikro-orm-migration-files.js';
export { DEFAULT_MIKRO_ORM_MIGRATIONS_GLOB, DEFAULT_MIKRO_ORM_MIGRATIONS_TABLE, readMikroOrmMigrationSettings } from './mikro-orm-migration-settings.js';
export type { MikroOrmMigrationSettings } from './mikro-orm-migration-settings.js';
export { planMikroOrmAdoption } from './plan-adoption.js';
export type { AdoptionInput, AdoptionPlan, MikroOrmMigrationSource, PlannedRevision, StampDecision } from './plan-adoption.js';

/**
 * `@cloudguard/migrate-adapter-kit/mikro-orm`: what cgmigrate does with MikroORM's own
 * migrations: its `Migration` classes run as revisions, a MikroORM project's history is
 * adopted, and `orm.migrator` runs through cgmigrate.
 *
 * @packageDocumentation
 */

// A new revision written as MikroORM's migration class (`cgmigrate revision --format mikro-orm`)
export { renderMikroOrmMigrationFile } from './migration-file.js';

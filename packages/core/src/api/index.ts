/**
 * The programmatic API for services: {@link upgradeDatabase}, {@link checkMigrations}
 * and {@link MigrationManager}, configured like the CLI.
 *
 * @packageDocumentation
 */
export { checkMigrations, hasPendingMigrations, upgradeDatabase } from './api-functions.js';
export type { UpgradeDatabaseOptions } from './api-functions.js';
export type { MigrationApiOptions, MigrationLogger } from './api-options.js';
export { MigrationManager } from './migration-manager.js';
export type { StampCallOptions, StampResult } from './migration-manager.js';
export { registerAdapter, registeredAdapters } from './register-adapter.js';
export { fleetStatus, migrateFleet } from './fleet-api.js';
export type { FleetApiOptions, MigrateFleetOptions } from './fleet-api.js';

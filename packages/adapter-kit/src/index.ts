/**
 * `@cloudguard/migrate-adapter-kit`: the layer cgmigrate's SQL adapters share, for any
 * adapter built on MikroORM 7 and Kysely. Core's `/adapter` entry holds what needs no
 * ORM (the contract, the version and audit stores over a dialect record); this package
 * holds what does: a session over a driver and a Kysely builder, Kysely's callback-form
 * transaction with the hooks adapters need, statement reporting for `--verbose`, and the
 * MikroORM options every adapter starts with. `/offline` builds an offline renderer from
 * a dialect's Kysely compiler; `/autogenerate` compares entities with a database through
 * MikroORM's comparator; `/operations` compiles schema operations through MikroORM's
 * schema helper and reads tables back through its introspection; `/mikro-orm` runs
 * MikroORM's migration classes as revisions on the MikroORM instance an adapter
 * registers here (`registerMigrationOrm`).
 *
 * This entry loads neither MikroORM nor Kysely: adapters import them when they connect.
 *
 * @packageDocumentation
 */
export { DriverSession, fillColumns, kyselyBulkInsert, rowChunks, rowsPerStatement } from './driver-session.js';
export type { AnyKysely, DriverSessionParts, StatementRunner } from './driver-session.js';
export { observedConnection } from './observed-connection.js';
export { closedConnectionError, closeOrm, kyselyTransaction, nativeTransaction, ORM_WITHOUT_ENTITIES } from './transactions.js';
export type { TransactionHooks } from './transactions.js';
export { lazyOperationCompiler } from './lazy-operation-compiler.js';
export { registerMigrationOrm } from './migration-orms.js';
export type { MigrationOrm, MigrationOrmRegistration, RegisteredMigrationOrm } from './migration-orms.js';

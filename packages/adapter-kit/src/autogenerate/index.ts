/**
 * `@cloudguard/migrate-adapter-kit/autogenerate`: comparing entity definitions with a
 * database through MikroORM's own schema calls. MikroORM loads with this entry, which an
 * adapter imports only when `revision --autogenerate` or `check` compares.
 *
 * @packageDocumentation
 */
export { comparedOperations, compareEntitiesWithDatabase, entityMetadataOrm, type EntityComparison, type EntityOrm, type EntityOrmOptions } from './compare-entities.js';
export { operationsFromDiff, type DiffOperations, type DiffOperationsOptions } from './diff-operations.js';

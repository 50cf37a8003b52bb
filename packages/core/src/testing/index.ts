/**
 * `@cloudguard/migrate-core/testing`: fakes for testing code built on core, and the
 * adapter conformance suite ({@link defineAdapterConformanceSuite}) that every
 * dialect adapter runs against its own database.
 *
 * Importing this entry loads Vitest, an optional peer dependency of core: install it
 * to use anything here, the in-memory adapter included. The main entry
 * (`@cloudguard/migrate-core`) never loads it.
 *
 * @packageDocumentation
 */
export {
  CONFORMANCE_CHECKS,
  DEFAULT_CONFORMANCE_SQL,
  defineAdapterConformanceSuite,
  spawnLockHolder,
} from './conformance/index.js';
export type {
  AdapterConformanceOptions,
  ConformanceCheckId,
  ConformanceDatabase,
  ConformanceGroup,
  ConformanceSql,
  LockHolderOptions,
} from './conformance/index.js';
export { createMemoryAdapter, MemoryAuditStore, MemoryVersionStore } from './memory-adapter.js';
export type { MemoryAdapterOptions, MemoryDatabase } from './memory-adapter.js';

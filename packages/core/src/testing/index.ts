/**
 * `@cloudguard/migrate-core/testing`: an in-memory adapter for testing code built on
 * core (a service's start-up, a CLI plugin, a custom command) without a database. It
 * loads no test runner, so it works under Vitest, Jest, `node:test` or a plain script.
 * For a statement linter's tests, {@link MemoryFactCache} is the statement cache in memory.
 *
 * The adapter conformance suite, which needs Vitest, is `@cloudguard/migrate-core/conformance`.
 *
 * @packageDocumentation
 */
export { createMemoryAdapter, MemoryAuditStore, MemoryVersionStore } from './memory-adapter.js';
export type { MemoryAdapterOptions, MemoryDatabase } from './memory-adapter.js';
export { MemoryFactCache } from './memory-fact-cache.js';

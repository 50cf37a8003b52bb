/**
 * `@cloudguard/migrate-core/testing`: fakes for testing code built on core, and
 * (to come) the adapter conformance suite.
 *
 * @packageDocumentation
 */
export { createMemoryAdapter, MemoryAuditStore, MemoryVersionStore } from './memory-adapter.js';
export type { MemoryAdapterOptions, MemoryDatabase } from './memory-adapter.js';

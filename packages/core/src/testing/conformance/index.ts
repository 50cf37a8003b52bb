/**
 * `@cloudguard/migrate-core/conformance`: the adapter conformance suite, which every
 * dialect adapter (third-party ones included) runs against its own database. It is
 * written for Vitest, an optional peer dependency of core that this entry loads.
 *
 * @packageDocumentation
 */
export { defineAdapterConformanceSuite } from './define-adapter-conformance-suite.js';
export { spawnLockHolder, type LockHolderOptions } from './lock-holder.js';
export {
  CONFORMANCE_CHECKS,
  DEFAULT_CONFORMANCE_SQL,
  type AdapterConformanceOptions,
  type ConformanceCheckId,
  type ConformanceDatabase,
  type ConformanceGroup,
  type ConformanceSql,
  type SchemaFeature,
} from './options.js';

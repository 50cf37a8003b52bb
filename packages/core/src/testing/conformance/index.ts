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
} from './options.js';

/**
 * `@cloudguard/migrate-adapter-kit/offline`: an adapter's offline renderer (`--sql`)
 * from its store dialect, its literal syntax and its Kysely compiler. Kysely loads only
 * when a script is rendered.
 *
 * @packageDocumentation
 */
export { kyselyOfflineRenderer, type KyselyCompilerName, type KyselyCompilerParts, type KyselyOfflineSpec } from './kysely-offline-renderer.js';

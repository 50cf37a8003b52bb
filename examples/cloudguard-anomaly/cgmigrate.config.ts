import type { MigrateConfig } from '@cloudguard/migrate-core';

/**
 * CloudGuard-Anomaly's migration settings. The URL comes from --url, then
 * DATABASE_URL, then the default sqlite:///cloudguard.db in this folder.
 */
export default {
  scriptLocation: 'migrations',
} satisfies MigrateConfig;

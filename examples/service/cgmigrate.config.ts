import type { MigrateConfig } from '@cloudguard/migrate-core';

/**
 * The service's migration settings, read by the service at start-up and by the
 * `cgmigrate` CLI alike. The URL comes from DATABASE_URL, else sqlite:///service.db
 * in this folder.
 */
export default {
  url: 'sqlite:///service.db',
  scriptLocation: 'migrations',
} satisfies MigrateConfig;

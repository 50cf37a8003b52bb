import type { MigrateConfig } from '@cloudguard/migrate-core';

import { entities } from './entities.ts';

/**
 * CloudGuard-Anomaly's migration settings. The URL comes from --url, then
 * DATABASE_URL, then the default sqlite:///cloudguard.db in this folder. `entities`
 * is the model `revision --autogenerate` and `check` compare the database with.
 */
export default {
  scriptLocation: 'migrations',
  entities,
} satisfies MigrateConfig;

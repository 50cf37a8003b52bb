// @module-tag postgres
import { fileURLToPath } from 'node:url';

import { defineAdapterConformanceSuite, spawnLockHolder } from '@cloudguard/migrate-core/conformance';

import { createTestDatabase } from '../../../../tools/test-db/postgres.js';
import { postgresAdapter } from '../../src/index.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

defineAdapterConformanceSuite({
  name: 'postgresql',
  adapter: () => postgresAdapter(),
  database: async () => {
    const database = await createTestDatabase('cgm_pg_conformance');
    return { url: database.url, cwd: packageDir, drop: () => database.drop() };
  },
  badUrls: { invalid: 'postgresql://u:s3cret@[::1/x', unreachable: 'postgresql://u:s3cret@127.0.0.1:1/x' },
  crossProcessLock: {
    spawnHolder: (connectOptions) => spawnLockHolder({ module: '@cloudguard/migrate-adapter-postgres', connectOptions, cwd: packageDir }),
  },
});

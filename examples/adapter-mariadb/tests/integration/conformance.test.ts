import { fileURLToPath } from 'node:url';

import { defineAdapterConformanceSuite, spawnLockHolder } from '@cloudguard/migrate-core/conformance';

import { createTestMariaDbDatabase } from '../../../../tools/test-db/mariadb.js';
import { mariadbAdapter } from '../../src/index.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

// Every check runs, the offline ones (offline.render-apply, offline.read-refused) included, since the
// adapter implements renderOffline; the kit itself skips only transactions.rollback-ddl, which
// capabilities.transactionalDdl = false rules out. The default SQL snippets are valid MariaDB.
defineAdapterConformanceSuite({
  name: 'mariadb',
  adapter: () => mariadbAdapter(),
  database: async () => {
    const db = await createTestMariaDbDatabase('cgm_conformance');
    return { url: db.url, cwd: PACKAGE_DIR, drop: () => db.drop() };
  },
  badUrls: {
    invalid: 'mysql://root@127.0.0.1:3306/',
    unreachable: 'mysql://root:s3cret-pw@127.0.0.1:1/cloudguard',
  },
  crossProcessLock: {
    spawnHolder: (connectOptions) =>
      spawnLockHolder({ module: '@cloudguard-examples/migrate-adapter-mariadb', connectOptions, cwd: PACKAGE_DIR }),
  },
});

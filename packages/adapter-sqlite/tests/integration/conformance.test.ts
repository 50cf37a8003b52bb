import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { defineAdapterConformanceSuite, spawnLockHolder } from '@cloudguard/migrate-core/conformance';

import { sqliteAdapter } from '../../src/index.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

defineAdapterConformanceSuite({
  name: 'sqlite',
  adapter: () => sqliteAdapter(),
  database: async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'cgmigrate-sqlite-conformance-'));
    return { url: 'sqlite:///app.db', cwd, drop: async () => rmSync(cwd, { recursive: true, force: true }) };
  },
  lacks: {
    comments: 'SQLite keeps no comments: the compiler leaves them out, as Alembic does',
    constraintValidation: 'SQLite checks the rows when it adds a constraint (by rebuilding the table): notValid and validateConstraint are refused, as concurrently is',
  },
  badUrls: { invalid: 'sqlite://host/app.db', unreachable: 'sqlite:///no/such/dir/app.db' },
  crossProcessLock: {
    spawnHolder: (connectOptions) => spawnLockHolder({ module: '@cloudguard/migrate-adapter-sqlite', connectOptions, cwd: packageDir }),
  },
});

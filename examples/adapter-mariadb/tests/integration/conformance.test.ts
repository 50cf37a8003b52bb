// @module-tag mariadb
// Core's conformance suite against a real MariaDB, a throwaway database per check.
// Every check runs, the offline ones included (the adapter implements renderOffline); the
// suite itself skips transactions.rollback-ddl, which transactionalDdl: false rules out.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { defineAdapterConformanceSuite, spawnLockHolder, type ConformanceDatabase } from '@cloudguard/migrate-core/conformance';

import { mariadbAdapter } from '../../src/index.js';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** A server the tests may create databases on, and a database on it to connect to. */
const SERVER_URL = process.env['CGMIGRATE_TEST_MARIADB_URL'] || 'mysql://root@127.0.0.1:3306/mysql';

/** Runs one statement on the test server through the adapter's own connection: no other driver needed. */
async function onServer(statement: string): Promise<void> {
  const connection = await mariadbAdapter().connect({
    url: SERVER_URL,
    cwd: PACKAGE_DIR,
    versionTable: { name: 'alembic_version' },
    purpose: 'migrate',
  });
  try {
    await connection.autocommit((session) => session.execute(statement));
  } finally {
    await connection.close();
  }
}

/** A fresh, empty database for one check; `drop()` removes it. */
async function throwawayDatabase(): Promise<ConformanceDatabase> {
  const name = `cgm_conformance_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(`CREATE DATABASE \`${name}\``);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return { url: url.href, cwd: PACKAGE_DIR, drop: () => onServer(`DROP DATABASE IF EXISTS \`${name}\``) };
}

defineAdapterConformanceSuite({
  name: 'mariadb',
  adapter: () => mariadbAdapter(),
  database: throwawayDatabase,
  lacks: {
    partialIndexes: 'MariaDB has no partial indexes: the compiler refuses them (OPERATION_NOT_SUPPORTED)',
    expressionIndexes: 'MariaDB indexes columns only: the compiler refuses expression keys (OPERATION_NOT_SUPPORTED)',
    constraintValidation: 'MariaDB has no NOT VALID constraints: the compiler refuses notValid and validateConstraint (OPERATION_NOT_SUPPORTED)',
  },
  skip: {
    'operations.renameTable': 'MariaDB keeps a view naming the old table: views are not rewritten on rename yet',
    'operations.alterColumn.rename': 'MariaDB keeps a view naming the old column: views are not rewritten on rename yet',
  },
  badUrls: { invalid: 'mysql://root@127.0.0.1:3306/', unreachable: 'mysql://root:s3cret-pw@127.0.0.1:1/cloudguard' },
  crossProcessLock: {
    spawnHolder: (connectOptions) =>
      spawnLockHolder({ module: '@cloudguard-examples/migrate-adapter-mariadb', connectOptions, cwd: PACKAGE_DIR }),
  },
});

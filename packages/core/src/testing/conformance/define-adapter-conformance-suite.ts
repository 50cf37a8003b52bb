import { describe } from 'vitest';

import { auditStoreChecks } from './audit-store.js';
import { contractChecks } from './contract.js';
import { errorChecks } from './errors.js';
import { ConformanceFixture } from './fixture.js';
import { lockingChecks } from './locking.js';
import { offlineChecks } from './offline.js';
import { operationChecks } from './operations.js';
import type { AdapterConformanceOptions } from './options.js';
import { sessionChecks } from './sessions.js';
import { transactionChecks } from './transactions.js';
import { versionStoreChecks } from './version-store.js';

/**
 * Defines the adapter conformance suite: the checks every {@link DialectAdapter} must
 * pass against its own database, as third-party SQLAlchemy dialects re-run
 * `alembic/testing/suite`. Call it at the top level of a Vitest test file; it defines
 * one `describe` block, `adapter conformance: <name>`, with a check per behaviour core
 * relies on:
 *
 * - **contract**: API version, name, URL schemes, capabilities; `connect` puts the
 *   stores on the configured tables;
 * - **version store**: `read` on a fresh database returns `[]` and creates nothing
 *   (`migrate` and `inspect`); `ensure` is idempotent; insert/update/delete round trip
 *   with several heads; `VERSION_TABLE_CONFLICT` for a missing row; duplicates refused;
 *   a custom (quoted) table name;
 * - **audit store**: `latest` on a fresh database creates nothing; every field round-trips;
 *   newest entry per revision; rolled back with its transaction; an accepted edit keeps its
 *   reason and previous checksum and comes back after the step it amends (when the store
 *   declares `recordsAcceptances`); a table created before accepted edits (its two newer
 *   columns dropped with `ALTER TABLE … DROP COLUMN`) is read, also on `inspect`, and
 *   brought up to date by `ensure()` (SQL engines);
 * - **transactions**: commit; rollback of DML, and of DDL when
 *   `capabilities.transactionalDdl`; a failed statement's error carries `.sql`;
 *   `autocommit` commits each statement;
 * - **sessions** (SQL engines): `?` parameters, rows back, `bulkInsert` of 1,500 rows;
 * - **locking**: exclusion between connections (`LOCK_TIMEOUT`), `release()` twice,
 *   waiting and giving up a wait; across processes (holder killed with `SIGKILL`) when
 *   `crossProcessLock` is given; `verify()`, when the lock has it, passes in the
 *   holder's transaction and autocommit sessions and throws `LOCK_LOST` once released;
 * - **errors**: `isTransientLockError` says no to other errors; `close()` twice; a
 *   closed connection refuses work with `DATABASE_ERROR`; bad URLs give `INVALID_URL`
 *   and `DATABASE_ERROR` without showing the password.
 *
 * - **offline** (only when the adapter implements `renderOffline`): core renders an
 *   upgrade and a downgrade script of fixture migrations through it, the suite applies
 *   them through the adapter's own connection and checks the version and audit rows,
 *   the data the migrations wrote (with `op.offline` true), and that a migration that
 *   reads the database fails with `OFFLINE_READ_NOT_SUPPORTED`.
 * - **operations** (only when the adapter's connections have an `operationCompiler`):
 *   every schema operation, every table change and every portable column type, each
 *   applied by a migration's `up` to a starting schema with rows, indexes, constraints
 *   and a view, and reversed by its `down`; after the upgrade the change is checked
 *   through `session.describeTable` and the rows, after the downgrade every table must
 *   be described exactly as before, with its rows where the operation keeps data. Also
 *   `batchAlterTable` of several changes, and `SCHEMA_CHECK_FAILED` (changing nothing)
 *   for `alterColumn` `nullable: false` over NULLs. Skip single cases by id (for
 *   example `operations.alterColumn.comment` on a dialect without comments).
 *
 * Each check gets a fresh database from `options.database()` and drops it afterwards;
 * the version-store, audit-store, transaction and lock checks observe the database
 * only through the adapter, so they need no SQL of the dialect.
 *
 * Importing `@cloudguard/migrate-core/conformance` loads Vitest (an optional peer
 * dependency of core); the main entry never does.
 *
 * ### Examples
 * A third-party adapter's `tests/conformance.test.ts`:
 * ```ts
 * import { mkdtempSync, rmSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { defineAdapterConformanceSuite } from '@cloudguard/migrate-core/conformance';
 * import { duckdbAdapter } from '../src/index.js';
 *
 * defineAdapterConformanceSuite({
 *   name: 'duckdb',
 *   adapter: () => duckdbAdapter(),
 *   database: async () => {
 *     const cwd = mkdtempSync(join(tmpdir(), 'duckdb-'));
 *     return { url: 'duckdb:///app.duckdb', cwd, drop: async () => rmSync(cwd, { recursive: true, force: true }) };
 *   },
 *   badUrls: { invalid: 'duckdb:app.duckdb', unreachable: 'duckdb:///no/such/dir/app.duckdb' },
 *   skip: { 'locking.wait-timeout': 'waits are not bounded yet (#12)' },
 * });
 * ```
 */
export function defineAdapterConformanceSuite(options: AdapterConformanceOptions): void {
  describe(`adapter conformance: ${options.name}`, () => {
    const fx = new ConformanceFixture(options);
    fx.install();
    contractChecks(fx);
    versionStoreChecks(fx);
    auditStoreChecks(fx);
    transactionChecks(fx);
    sessionChecks(fx);
    lockingChecks(fx);
    errorChecks(fx);
    offlineChecks(fx);
    operationChecks(fx);
  });
}

/**
 * What the SQLite statement linter says SQLite does is what SQLite does: each claim of a
 * message, tried on a database file through the adapter's own connection (the
 * transaction a migration runs in) or on better-sqlite3 directly.
 */
import { join } from 'node:path';

import type { AdapterConnection, Session, StatementLinter } from '@cloudguard/migrate-core/adapter';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { connect, connectOptions, tempDir } from '../support/fixtures.js';

let linter: StatementLinter;

beforeAll(async () => {
  linter = await sqliteAdapter().statementLinter!({ url: 'sqlite:///app.db', cwd: '/' });
});

function message(sql: string, inTransaction: boolean): string {
  const [hit, ...others] = linter.lint([{ sql, inTransaction }], {}).hits;
  expect(others).toEqual([]);
  return hit!.message;
}

async function failure(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => {
      throw new Error('expected SQLite to refuse it');
    },
    (error: unknown) => (error as Error).message,
  );
}

async function foreignKeys(session: Session): Promise<number> {
  const [row] = await session.query<{ foreign_keys: number }>('PRAGMA foreign_keys');
  return row!.foreign_keys;
}

/** A migrate connection on a new file, with a parent table and a child table pointing at it. */
async function withParentAndChild(): Promise<AdapterConnection> {
  const connection = await connect(connectOptions('sqlite:///app.db', tempDir()));
  await connection.autocommit(async (session) => {
    await session.execute('CREATE TABLE hosts (id INTEGER PRIMARY KEY)');
    await session.execute('CREATE TABLE scans (id INTEGER PRIMARY KEY, host_id INTEGER REFERENCES hosts (id))');
  });
  return connection;
}

describe('SQLite statement linter, against SQLite', () => {
  it('PRAGMA foreign_keys inside the migration transaction: SQLite ignores it', async () => {
    const connection = await withParentAndChild();
    await connection.transaction(async (session) => {
      await session.execute('PRAGMA foreign_keys = ON');
      expect(await foreignKeys(session)).toBe(0);
      // Nothing enforced: a scan of a host that does not exist goes in.
      await session.execute('INSERT INTO scans (host_id) VALUES (42)');
    });
    expect(message('PRAGMA foreign_keys = ON', true)).toContain('inside a transaction: SQLite ignores it there, so foreign keys stay as they were');
  });

  it('PRAGMA foreign_keys outside a transaction: the connection keeps it for the migrations after', async () => {
    const connection = await withParentAndChild();
    // A transactional: false migration's statement…
    await connection.autocommit((session) => session.execute('PRAGMA foreign_keys = ON'));
    // …and the next migration's transaction enforces foreign keys, which the adapter (foreignKeys: false) leaves off.
    const refused = await failure(connection.transaction((session) => session.execute('INSERT INTO scans (host_id) VALUES (42)')));
    expect(refused).toBe('FOREIGN KEY constraint failed');
    expect(message('PRAGMA foreign_keys = ON', false)).toContain(
      'outside a transaction changes the connection for the rest of the run: every later migration runs with foreign keys on',
    );
  });

  it('ADD COLUMN … NOT NULL without a default: SQLite refuses it on a table that has rows', async () => {
    const connection = await withParentAndChild();
    const sql = 'ALTER TABLE hosts ADD COLUMN owner TEXT NOT NULL';
    // On an empty table SQLite takes it: the message says "on a table that has rows", not always.
    await connection.transaction((session) => session.execute(sql));
    await connection.autocommit((session) => session.execute('INSERT INTO scans (host_id) VALUES (NULL)'));
    const refused = await failure(connection.transaction((session) => session.execute('ALTER TABLE scans ADD COLUMN owner TEXT NOT NULL')));
    expect(refused).toBe('Cannot add a NOT NULL column with default value NULL');
    expect(message(sql, true)).toContain(`SQLite refuses it on a table that has rows ("${refused}")`);
  });

  it('transaction control inside the migration transaction: what SQLite says of each', async () => {
    const connection = await withParentAndChild();
    const begin = await failure(connection.transaction((session) => session.execute('BEGIN')));
    expect(message('BEGIN', true)).toContain(`SQLite refuses it (${begin})`);

    // A COMMIT part way: what came before it stays although the migration fails, and cgmigrate's own COMMIT finds no transaction.
    const commit = await failure(
      connection.transaction(async (session) => {
        await session.execute('INSERT INTO hosts (id) VALUES (1)');
        await session.execute('COMMIT');
      }),
    );
    expect(commit).toBe('cannot commit - no transaction is active');
    expect(await connection.autocommit((session) => session.query('SELECT id FROM hosts'))).toEqual([{ id: 1 }]);
    expect(message('COMMIT', true)).toContain("commits the statements before it, even if a later one fails, and ends the transaction cgmigrate runs the migration in: what follows runs without a transaction, and cgmigrate's own COMMIT finds none");

    const release = await failure(connection.autocommit((session) => session.execute('RELEASE nowhere')));
    expect(message('RELEASE nowhere', false)).toContain(`SQLite refuses it (${release.replace(/: nowhere$/, '')})`);
    const outside = await failure(connection.autocommit((session) => session.execute('COMMIT')));
    expect(message('COMMIT', false)).toContain(`SQLite refuses it (${outside})`);
  });

  it("a rebuild that renames the table first leaves other tables' foreign keys and views naming the dropped table", () => {
    const database = new Database(join(tempDir(), 'app.db'));
    try {
      database.exec('CREATE TABLE hosts (id INTEGER PRIMARY KEY); CREATE TABLE scans (id INTEGER PRIMARY KEY, host_id INTEGER REFERENCES hosts (id)); CREATE VIEW host_ids AS SELECT id FROM hosts');
      const rebuild = ['ALTER TABLE hosts RENAME TO hosts_old', 'CREATE TABLE hosts (id INTEGER PRIMARY KEY, name TEXT)', 'INSERT INTO hosts (id) SELECT id FROM hosts_old', 'DROP TABLE hosts_old'];
      database.exec(rebuild.join(';'));
      const schema = database.prepare("SELECT name, sql FROM sqlite_master WHERE name IN ('scans', 'host_ids') ORDER BY name").all([]);
      expect(schema).toEqual([
        { name: 'host_ids', sql: 'CREATE VIEW host_ids AS SELECT id FROM "hosts_old"' },
        { name: 'scans', sql: 'CREATE TABLE scans (id INTEGER PRIMARY KEY, host_id INTEGER REFERENCES "hosts_old" (id))' },
      ]);
      const [hit] = linter.lint(rebuild.map((sql) => ({ sql, inTransaction: true })), {}).hits;
      expect(hit).toMatchObject({ ruleId: 'SQLITE_TABLE_REBUILD', message: expect.stringContaining('rewrites the foreign keys, views and triggers that name hosts to name hosts_old') });
    } finally {
      database.close();
    }
  });

  it("reads the server's version on both kinds of connection, for version-dependent rules", async () => {
    const dir = tempDir();
    const migrate = await connect(connectOptions('sqlite:///app.db', dir));
    const inspect = await connect(connectOptions('sqlite:///app.db', dir, { purpose: 'inspect' }));
    const version = await migrate.serverVersion!();
    expect(version).toMatch(/^3\.\d+\.\d+$/);
    expect(await inspect.serverVersion!()).toBe(version);
    await migrate.close();
    await expect(migrate.serverVersion!()).rejects.toThrow();
  });
});

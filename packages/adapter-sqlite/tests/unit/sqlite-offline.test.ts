import type { TableChange } from '@cloudguard/migrate-core/adapter';
import { describe, expect, it } from 'vitest';

import { sqliteAdapter } from '../../src/index.js';
import { inlineSqlite, sqliteLiteral } from '../../src/sqlite-offline.js';

describe('SQLite literals for offline scripts', () => {
  it('spells values as better-sqlite3 binds them', () => {
    expect(sqliteLiteral("it's")).toBe("'it''s'");
    expect(sqliteLiteral(null)).toBe('NULL');
    expect(sqliteLiteral(undefined)).toBe('NULL');
    expect(sqliteLiteral(true)).toBe('1');
    expect(sqliteLiteral(false)).toBe('0');
    expect(sqliteLiteral(1.5)).toBe('1.5');
    expect(sqliteLiteral(-2)).toBe('(-2)');
    expect(sqliteLiteral(12345678901234567890n)).toBe('12345678901234567890');
    expect(sqliteLiteral(new Date('2024-01-02T03:04:05.678Z'))).toBe("'2024-01-02T03:04:05.678Z'");
    expect(sqliteLiteral(Buffer.from([0, 255, 16]))).toBe("X'00ff10'");
  });

  it('refuses values SQLite cannot store as given', () => {
    expect(() => sqliteLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => sqliteLiteral({ a: 1 })).toThrow(/JSON.stringify/);
  });

  it('inlines ? parameters, never turning a minus sign into a comment', () => {
    expect(inlineSqlite("UPDATE t SET a = a -?, b = '?' WHERE c = ?", [-1, 'x'])).toBe("UPDATE t SET a = a -(-1), b = '?' WHERE c = 'x'");
  });
});

describe('schema operations offline', () => {
  const context = {
    dialect: 'sqlite',
    offline: true,
    inTransaction: true,
    describeTable: async () => {
      throw new Error('offline: no table can be read');
    },
  };

  it('compiles them through MikroORM without a database file', async () => {
    const renderer = await sqliteAdapter().renderOffline!({ url: 'sqlite:///does/not/exist.db', cwd: '/', versionTable: { name: 'alembic_version' } });
    const compiled = await renderer.operationCompiler!.compile(
      {
        kind: 'createTable',
        table: { name: 'accounts' },
        columns: [
          { name: 'id', type: 'integer', primaryKey: true, autoincrement: true },
          { name: 'email', type: 'string', nullable: false },
        ],
        indexes: [{ name: 'ix_accounts_email', columns: ['email'] }],
        uniques: [],
        foreignKeys: [],
        checks: [],
      },
      context,
    );
    expect(compiled.statements).toEqual([
      'create table `accounts` (`id` integer not null primary key autoincrement, `email` text not null)',
      'create index `ix_accounts_email` on `accounts` (`email`)',
    ]);
  });

  it('needs the table for a rebuild, which offline mode cannot read', async () => {
    const renderer = await sqliteAdapter().renderOffline!({ url: 'sqlite:///app.db', cwd: '/', versionTable: { name: 'alembic_version' } });
    const rebuild = renderer.operationCompiler!.compile(
      { kind: 'alterTable', table: { name: 'scans' }, batch: false, changes: [{ kind: 'alterColumn', column: 'status', changes: { nullable: false } }] },
      context,
    );
    await expect(rebuild).rejects.toThrow('offline: no table can be read');
  });
});

describe('constraints added NOT VALID and validated', () => {
  // The table cannot be read here: a refusal that comes before the rebuild reads it shows as such.
  const context = {
    dialect: 'sqlite',
    offline: true,
    inTransaction: true,
    describeTable: async () => {
      throw new Error('the rebuild read the table');
    },
  };
  const compile = async (change: TableChange) => {
    const renderer = await sqliteAdapter().renderOffline!({ url: 'sqlite:///app.db', cwd: '/', versionTable: { name: 'alembic_version' } });
    return renderer.operationCompiler!.compile({ kind: 'alterTable', table: { name: 'post' }, changes: [change], batch: false }, context);
  };
  const authorKey = { name: 'post_author_id_foreign', columns: ['author_id'], referencedTable: { name: 'user' }, referencedColumns: ['id'] };

  it('are refused with OPERATION_NOT_SUPPORTED before the table is rebuilt, as concurrently is: SQLite checks the rows as it adds a constraint', async () => {
    await expect(compile({ kind: 'addForeignKey', foreignKey: authorKey, notValid: true })).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      dialect: 'sqlite',
      operation: 'alterTable post (addForeignKey)',
      reason: 'SQLite has no NOT VALID constraints: it checks the existing rows when it adds one',
    });
    await expect(compile({ kind: 'addCheck', check: { name: 'post_title_check', expression: "title <> ''" }, notValid: true })).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
    });
    await expect(compile({ kind: 'validateConstraint', name: 'post_author_id_foreign' })).rejects.toMatchObject({
      code: 'OPERATION_NOT_SUPPORTED',
      reason: 'SQLite has no VALIDATE CONSTRAINT: it checks the existing rows when it adds a constraint, so none is left to validate',
    });
  });

  it('leave a foreign key without notValid to the rebuild, which reads the table', async () => {
    await expect(compile({ kind: 'addForeignKey', foreignKey: authorKey })).rejects.toThrow('the rebuild read the table');
  });
});

import { renderOfflineScript } from '@cloudguard/migrate-core/adapter';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';

import { MARIADB_SCRIPT_HEADER, inlineMariaDb, mariadbLiteral, quoteMariaDbString, renderMariaDbOffline } from '../../src/mariadb-offline.js';
import { mariadbAdapter } from '../../src/index.js';

const TABLES = { url: 'mysql://app:s3cret@db.invalid:3306/cloudguard', cwd: '/', versionTable: { name: 'alembic_version' } };

describe('MariaDB literals', () => {
  it('quotes strings for the default sql_mode: quotes and backslashes doubled, other characters as they are', () => {
    expect(quoteMariaDbString("it's")).toBe("'it''s'");
    expect(quoteMariaDbString('C:\\temp\\')).toBe("'C:\\\\temp\\\\'");
    expect(quoteMariaDbString("\\'")).toBe("'\\\\'''");
    expect(quoteMariaDbString('a\nb\tc')).toBe("'a\nb\tc'");
    expect(quoteMariaDbString('nul\0')).toBe("'nul\\0'");
  });

  it('spells values as mysql2 binds them', () => {
    expect(mariadbLiteral(null)).toBe('NULL');
    expect(mariadbLiteral(undefined)).toBe('NULL');
    expect(mariadbLiteral(true)).toBe('true');
    expect(mariadbLiteral(false)).toBe('false');
    expect(mariadbLiteral(42)).toBe('42');
    expect(mariadbLiteral(-1.5)).toBe('(-1.5)');
    expect(mariadbLiteral(-9007199254740993n)).toBe('(-9007199254740993)');
    expect(mariadbLiteral(new Uint8Array([0, 255, 92]))).toBe("X'00ff5c'");
    expect(mariadbLiteral([1, 'a', [2, 3]])).toBe("1, 'a', (2, 3)");
    const local = new Date(2024, 0, 2, 3, 4, 5, 6);
    expect(mariadbLiteral(local)).toBe("'2024-01-02 03:04:05.006'");
  });

  it('refuses values that have no literal, saying what to do', () => {
    expect(() => mariadbLiteral(Number.NaN)).toThrow('MariaDB has no literal for NaN');
    expect(() => mariadbLiteral(new Date('nope'))).toThrow('invalid Date');
    expect(() => mariadbLiteral({ a: 1 })).toThrow('JSON.stringify');
  });

  it('inlines ? placeholders, leaving those in strings, back-quoted names and comments alone', () => {
    expect(inlineMariaDb("UPDATE `t?` SET a = ?, b = '?' WHERE c = ? -- ?\n", ["it's", -2])).toBe(
      "UPDATE `t?` SET a = 'it''s', b = '?' WHERE c = (-2) -- ?\n",
    );
    // MariaDB's default sql_mode: a backslash escapes a quote, so the ? inside stays text.
    expect(inlineMariaDb("UPDATE t SET a = 'it\\'s ?' WHERE b = ?", [1])).toBe("UPDATE t SET a = 'it\\'s ?' WHERE b = 1");
    expect(() => inlineMariaDb('SELECT ?', [])).not.toThrow();
    expect(() => inlineMariaDb('SELECT ?, ?', [1])).toThrow(RangeError);
  });
});

describe('renderOffline', () => {
  it('is registered on the adapter, and parses the URL without connecting', async () => {
    const adapter = mariadbAdapter();
    expect(typeof adapter.renderOffline).toBe('function');
    // db.invalid cannot be resolved: rendering works all the same
    const renderer = await adapter.renderOffline!(TABLES);
    expect(renderer.commitTransaction).toBe('COMMIT');
    await expect(adapter.renderOffline!({ ...TABLES, url: 'mysql://app:s3cret@db:3306/' })).rejects.toMatchObject({ code: 'INVALID_URL' });
    await expect(adapter.renderOffline!({ ...TABLES, url: 'mysql://app:s3cret@db:3306/' })).rejects.not.toThrow('s3cret');
  });

  it('opens the script with the note on MariaDB having no transactional DDL, SET NAMES, then BEGIN; later transactions with BEGIN alone', async () => {
    const renderer = await renderMariaDbOffline(TABLES);
    const sql = renderOfflineScript(
      [
        { transactional: true, entries: [{ kind: 'statement', sql: 'CREATE TABLE a (id INT)' }] },
        { transactional: true, entries: [{ kind: 'statement', sql: 'INSERT INTO a VALUES (1)' }] },
      ],
      renderer,
    );
    const lines = sql.split('\n');
    expect(lines.slice(0, MARIADB_SCRIPT_HEADER.length)).toEqual(MARIADB_SCRIPT_HEADER.map((line) => `-- ${line}`));
    expect(sql).toContain('NO_BACKSLASH_ESCAPES');
    expect(sql).toContain('`cgmigrate stamp <revision>`');
    expect(sql.slice(sql.indexOf('SET NAMES'))).toBe(
      'SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;\n\nBEGIN;\n\nCREATE TABLE a (id INT);\n\nCOMMIT;\n\nBEGIN;\n\nINSERT INTO a VALUES (1);\n\nCOMMIT;\n',
    );
  });

  it('writes the version and audit rows with the online statements, applied_at from the server clock', async () => {
    const renderer = await renderMariaDbOffline({ ...TABLES, versionTable: { name: 'versions', schema: 'ops' } });
    const statements: string[] = [];
    const session = {
      execute: async (sql: string, params: readonly unknown[] = []) => void statements.push(renderer.inline(sql, params)),
      query: async () => [],
      bulkInsert: async () => {},
      db: undefined,
      connection: undefined,
    };
    await renderer.versionStore.ensure(session);
    await renderer.versionStore.update(session, 'a1', 'b2');
    await renderer.auditStore.record(session, {
      revision: 'b2',
      direction: 'upgrade',
      checksum: undefined,
      appliedAt: new Date(0),
      durationMs: 1234,
      appliedBy: "o'brien",
      host: 'h',
      toolVersion: '0.1.0',
    });
    expect(statements[0]).toContain('CREATE TABLE IF NOT EXISTS `ops`.`versions` (\n\tversion_num VARCHAR(32) NOT NULL');
    expect(statements[1]).toBe("UPDATE `ops`.`versions` SET version_num = 'b2' WHERE version_num = 'a1'");
    expect(statements[2]).toBe(
      'INSERT INTO `ops`.`cgmigrate_audit` (revision, direction, checksum, applied_at, duration_ms, applied_by, host, cgmigrate_version) ' +
        "VALUES ('b2', 'upgrade', NULL, UTC_TIMESTAMP(3), 0, 'o''brien', 'h', '0.1.0')",
    );
  });

  it('renders op.bulkInsert and op.db writes with the MySQL compiler, and refuses op.db reads', async () => {
    const renderer = await renderMariaDbOffline(TABLES);
    expect(renderer.bulkInsert('t', [{ id: 1, label: 'a\\b' }, { id: 2 }])).toEqual([
      "insert into `t` (`id`, `label`) values (1, 'a\\\\b'), (2, default)",
    ]);
    expect(renderer.bulkInsert('t', [])).toEqual([]);
    expect(renderer.bulkInsert('t', Array.from({ length: 1_001 }, (_, id) => ({ id })))).toHaveLength(3);

    const recorded: string[] = [];
    const db = renderer.queryBuilder!({
      statement: (sql) => void recorded.push(sql),
      refuseRead: (operation) => {
        throw new Error(`refused: ${operation}`);
      },
    }) as Kysely<Record<string, Record<string, unknown>>>;
    await db.updateTable('t').set({ label: "it's" }).where('id', '=', 1).execute();
    expect(recorded).toEqual(["update `t` set `label` = 'it''s' where `id` = 1"]);
    await expect(db.selectFrom('t').selectAll().execute()).rejects.toThrow('refused: a SELECT through op.db');
  });
});

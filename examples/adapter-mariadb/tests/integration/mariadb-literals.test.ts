// @module-tag mariadb
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestMariaDbDatabase, type TestMariaDbDatabase } from '../../../../tools/test-db/mariadb.js';
import { inlineMariaDb } from '../../src/mariadb-offline.js';

/**
 * Offline literals against the real server: each value is written twice, once bound by
 * mysql2 as the online adapter binds it, once inlined as the offline script writes it,
 * and MariaDB must store the same thing.
 */
describe('MariaDB literals of offline scripts, read back by MariaDB', () => {
  let db: TestMariaDbDatabase;

  beforeAll(async () => {
    db = await createTestMariaDbDatabase('cgm_literals');
    await db.query(
      'CREATE TABLE literal_values (id INTEGER PRIMARY KEY, t TEXT, b BLOB, d DATETIME(3), n BIGINT, f DOUBLE, flag BOOLEAN) DEFAULT CHARSET utf8mb4',
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  const cases: [string, string, unknown][] = [
    ['a quote', 't', "it's"],
    ['backslashes', 't', 'C:\\temp\\new \\n \\\\'],
    ['a backslash before a quote', 't', "\\'"],
    ['a trailing backslash', 't', 'ends with \\'],
    ['control characters', 't', 'line\nbreak\ttab\r\b\x1a'],
    ['NUL', 't', 'nul\0byte'],
    ['non-ASCII text', 't', 'ünïcødé ✓ 🚀'],
    ['what looks like a placeholder and a comment', 't', "? -- not a comment /* nor this */ '?'"],
    ['double quotes', 't', '"quoted"'],
    ['bytes', 'b', new Uint8Array([0, 39, 92, 255, 10])],
    ['a date', 'd', new Date(2024, 4, 1, 10, 20, 30, 456)],
    ['a negative bigint', 'n', -9007199254740993n],
    ['a negative number', 'f', -0.25],
    ['true', 'flag', true],
    ['false', 'flag', false],
    ['null', 't', null],
  ];

  it.each(cases)('stores %s as mysql2 binds it', async (_name, column, value) => {
    const id = cases.findIndex((entry) => entry[2] === value) * 2;
    const insert = `INSERT INTO literal_values (id, ${column}) VALUES (?, ?)`;
    await db.query(insert, [id, value]);
    await db.query(inlineMariaDb(insert, [id + 1, value]));
    const rows = await db.query<Record<string, unknown>>(
      `SELECT ${column} AS v, HEX(${column}) AS h FROM literal_values WHERE id IN (?, ?) ORDER BY id`,
      [id, id + 1],
    );
    expect(rows).toHaveLength(2);
    expect(rows[1]).toEqual(rows[0]);
  });

  it('writes IN lists from arrays as mysql2 does', async () => {
    await db.query("INSERT INTO literal_values (id, t) VALUES (100, 'x'), (101, 'y'), (102, 'z')");
    const select = 'SELECT id FROM literal_values WHERE t IN (?) ORDER BY id';
    expect(await db.query(inlineMariaDb(select, [['x', 'z']]))).toEqual(await db.query(select, [['x', 'z']]));
  });
});

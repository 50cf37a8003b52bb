import { describe, expect, it } from 'vitest';

import { mariadbAdapter, parseMariaDbUrl } from '../../src/index.js';
import { commitsImplicitly } from '../../src/mariadb-session.js';
import { lockName } from '../../src/mariadb-lock.js';

describe('parseMariaDbUrl', () => {
  it('reads mysql://, mariadb:// and SQLAlchemy dialect+driver URLs', () => {
    const expected = { host: 'db', port: 3307, user: 'app', password: 's3cret', database: 'cloudguard', socketPath: undefined };
    expect(parseMariaDbUrl('mysql://app:s3cret@db:3307/cloudguard')).toEqual(expected);
    expect(parseMariaDbUrl('mariadb://app:s3cret@db:3307/cloudguard')).toEqual(expected);
    expect(parseMariaDbUrl('mysql+pymysql://app:s3cret@db:3307/cloudguard')).toEqual(expected);
  });

  it('defaults host, port and user, decodes escapes, and reads a socket', () => {
    expect(parseMariaDbUrl('mysql:///cloudguard?socket=/run/mysqld/mysqld.sock')).toEqual({
      host: 'localhost',
      port: 3306,
      user: 'root',
      password: undefined,
      database: 'cloudguard',
      socketPath: '/run/mysqld/mysqld.sock',
    });
    expect(parseMariaDbUrl('mysql://a%40b:p%2Fw@127.0.0.1/x').user).toBe('a@b');
    expect(parseMariaDbUrl('mysql://a%40b:p%2Fw@127.0.0.1/x').password).toBe('p/w');
  });

  it('refuses a URL without a database, or of another dialect, without showing the password', () => {
    expect(() => parseMariaDbUrl('mysql://root:pw@127.0.0.1:3306/')).toThrow(
      expect.objectContaining({ code: 'INVALID_URL', url: 'mysql://root:***@127.0.0.1:3306/', reason: expect.stringContaining('names no database') }),
    );
    expect(() => parseMariaDbUrl('postgresql://root@127.0.0.1/x')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });

  it('declares its schemes and that MariaDB has no transactional DDL', () => {
    expect(mariadbAdapter()).toMatchObject({ apiVersion: 1, name: 'mariadb', schemes: ['mysql', 'mariadb'], capabilities: { transactionalDdl: false } });
  });
});

describe('commitsImplicitly', () => {
  it('knows the statements MariaDB commits by itself', () => {
    for (const sql of ['CREATE TABLE t (id INT)', '  alter table t add x int', 'DROP INDEX i ON t', 'RENAME TABLE a TO b', 'truncate t', '-- note\nCREATE INDEX i ON t (x)']) {
      expect(commitsImplicitly(sql), sql).toBe(true);
    }
    for (const sql of ['INSERT INTO t VALUES (1)', 'UPDATE t SET x = 1', 'CREATE TEMPORARY TABLE t (id INT)', 'DROP TEMPORARY TABLE t', 'SELECT 1']) {
      expect(commitsImplicitly(sql), sql).toBe(false);
    }
  });
});

describe('lockName', () => {
  it('is stable, per database and table, and within the 64-character limit', () => {
    expect(lockName('app', 'alembic_version')).toBe(lockName('app', 'alembic_version'));
    expect(lockName('app', 'alembic_version')).not.toBe(lockName('other', 'alembic_version'));
    expect(lockName('a'.repeat(64), 'b'.repeat(64)).length).toBeLessThanOrEqual(64);
  });
});

import { describe, expect, it } from 'vitest';

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

import { describe, expect, it } from 'vitest';

import { toNumberedPlaceholders } from '../../src/postgres-placeholders.js';

const two = [1, 2];

describe('toNumberedPlaceholders', () => {
  it('numbers ? placeholders in order', () => {
    expect(toNumberedPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)', [1, 2, 3])).toBe(
      'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)',
    );
  });

  it.each([
    ["SELECT '?', ?, ?", "SELECT '?', $1, $2"],
    ["SELECT 'it''s ?', ?, ?", "SELECT 'it''s ?', $1, $2"],
    ["SELECT E'\\' ?', ?, ?", "SELECT E'\\' ?', $1, $2"],
    ["SELECT e'a\\\\', ?, ?", "SELECT e'a\\\\', $1, $2"],
    ['SELECT "col?", ?, ?', 'SELECT "col?", $1, $2'],
    ['SELECT "a""?", ?, ?', 'SELECT "a""?", $1, $2'],
    ['SELECT ?, -- a comment?\n?', 'SELECT $1, -- a comment?\n$2'],
    ['SELECT ? /* one? /* nested? */ still? */, ?', 'SELECT $1 /* one? /* nested? */ still? */, $2'],
    ['SELECT $$ ? $$, ?, ?', 'SELECT $$ ? $$, $1, $2'],
    ['SELECT $fn$ ? $$ ? $fn$, ?, ?', 'SELECT $fn$ ? $$ ? $fn$, $1, $2'],
    ['SELECT ?::int, ?::text', 'SELECT $1::int, $2::text'],
    ["SELECT data \\? 'k', ?, ?", "SELECT data ? 'k', $1, $2"],
    ['SELECT a$b, ?, ?', 'SELECT a$b, $1, $2'],
  ])('skips non-placeholders in %j', (sql, expected) => {
    expect(toNumberedPlaceholders(sql, two)).toBe(expected);
  });

  it('takes a backslash literally in a standard string, as standard_conforming_strings does', () => {
    expect(toNumberedPlaceholders("SELECT 'a\\', ?, ?", two)).toBe("SELECT 'a\\', $1, $2");
    // `type'…'` (a typed literal) is no E-string either
    expect(toNumberedPlaceholders("SELECT date'x\\', ?, ?", two)).toBe("SELECT date'x\\', $1, $2");
  });

  it('leaves a statement without parameters untouched (JSONB operators, several statements)', () => {
    const sql = "SELECT data ? 'k', data ?| array['a'] FROM t; SELECT ?";
    expect(toNumberedPlaceholders(sql, [])).toBe(sql);
  });

  it('leaves statements already numbered with $n untouched', () => {
    expect(toNumberedPlaceholders('SELECT $1, $2', two)).toBe('SELECT $1, $2');
  });

  it('rejects a count that does not match the parameters', () => {
    expect(() => toNumberedPlaceholders('SELECT ?', two)).toThrow(
      new RangeError('The statement has 1 ? placeholder(s) but 2 parameter(s) were given'),
    );
  });

  it('copies an unterminated literal or comment to the end', () => {
    expect(toNumberedPlaceholders("SELECT ?, 'open ?", [1])).toBe("SELECT $1, 'open ?");
    expect(toNumberedPlaceholders('SELECT ?, $$ open ?', [1])).toBe('SELECT $1, $$ open ?');
    expect(toNumberedPlaceholders('SELECT ? /* open ?', [1])).toBe('SELECT $1 /* open ?');
  });
});

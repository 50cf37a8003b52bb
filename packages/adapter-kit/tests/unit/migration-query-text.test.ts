import { raw } from '@mikro-orm/core';
import type { Query } from '@mikro-orm/migrations';
import { describe, expect, it } from 'vitest';

import { migrationQueryText } from '../../src/mikro-orm/migration-query-text.js';
import { statementReturnsRows } from '../../src/mikro-orm/statement-returns-rows.js';
import { platformOf } from '../support/platforms.js';

const postgres = platformOf('postgresql');

describe('migrationQueryText', () => {
  it('leaves text without parameters alone, ? and all (a JSONB operator stays one)', () => {
    expect(migrationQueryText(`select data ? 'key' from t`, undefined, postgres)).toBe(`select data ? 'key' from t`);
    expect(migrationQueryText('select 1', [], postgres)).toBe('select 1');
  });

  it('writes parameters into the text as MikroORM does: values as literals, ?? as identifiers, \\? as a question mark', () => {
    expect(migrationQueryText('insert into ?? (name, n) values (?, ?)', ['user', "it's", 3], postgres)).toBe(
      `insert into "user" (name, n) values ('it''s', 3)`,
    );
    expect(migrationQueryText('select data \\? ? from t', ['key'], postgres)).toBe(`select data ? 'key' from t`);
  });

  it('numbers named parameters, as MikroORM’s raw() does for an object', () => {
    expect(migrationQueryText('update t set a = :a where id = :id and b::text = :a', { a: 'x', id: 7 } as never, postgres)).toBe(
      `update t set a = 'x' where id = 7 and b::text = 'x'`,
    );
  });

  it('takes raw() fragments and native query builders', () => {
    expect(migrationQueryText(raw('drop index ??', ['ix_a']) as unknown as Query, undefined, postgres)).toBe('drop index "ix_a"');
    const builder = postgres.createNativeQueryBuilder().insert({ id: 1, name: 'a' }).into('user');
    expect(migrationQueryText(builder, undefined, postgres)).toBe(`insert into "user" ("id", "name") values (1, 'a')`);
  });

  it('refuses anything else with a TypeError naming it', () => {
    expect(() => migrationQueryText(42 as never, undefined, postgres)).toThrow(
      new TypeError('A MikroORM migration query must be SQL text, a raw() fragment or a native query builder, not number 42'),
    );
  });
});

describe('statementReturnsRows', () => {
  it.each([
    ['select count(*) from "user"', true],
    ['  -- a comment\n (select 1)', true],
    ['with moved as (delete from a returning *) insert into b select * from moved', true],
    ['insert into t (a) values (1) RETURNING id', true],
    ['pragma table_info(t)', true],
    ['explain analyze select 1', true],
    ["update t set note = 'returning'", false],
    ['update "returning" set a = 1 /* returning */', false],
    ['pragma foreign_keys = off', false],
    ['create index concurrently ix on t (a)', false],
    ['', false],
  ])('%j: %s', (sql, expected) => {
    expect(statementReturnsRows(sql)).toBe(expected);
  });
});

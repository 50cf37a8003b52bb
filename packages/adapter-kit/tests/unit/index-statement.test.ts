import { describe, expect, it } from 'vitest';

import { indexStatementParts } from '../../src/operations/index-statement.js';

describe('indexStatementParts', () => {
  it("reads PostgreSQL's pg_get_indexdef: a qualified table, a method, an expression key and a condition", () => {
    expect(indexStatementParts('CREATE INDEX ix_items_lower ON public.items USING btree (lower((label)::text)) WHERE (qty > 1)')).toEqual({
      keys: [{ sql: 'lower((label)::text)' }],
      where: 'qty > 1',
    });
  });

  it("reads SQLite's statement as written: quoted names as names, the rest as expressions", () => {
    expect(indexStatementParts('create unique index `ux` on `items` (`parent_id`, lower(label), "Odd ""name""")')).toEqual({
      keys: ['parent_id', { sql: 'lower(label)' }, 'Odd "name"'],
      where: undefined,
    });
  });

  it('keeps parentheses that do not wrap the whole condition, and commas inside strings in a key', () => {
    expect(indexStatementParts("create index ix on t (coalesce(a, 'x,y')) where (a > 1) and (b < 2)")).toEqual({
      keys: [{ sql: "coalesce(a, 'x,y')" }],
      where: '(a > 1) and (b < 2)',
    });
  });

  it('is undefined for a statement that is not an index on a table', () => {
    expect(indexStatementParts('create view v as select 1')).toBeUndefined();
  });
});

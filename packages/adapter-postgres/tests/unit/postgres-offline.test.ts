import type { TableChange } from '@cloudguard/migrate-core/adapter';
import { describe, expect, it } from 'vitest';

import { postgresAdapter } from '../../src/index.js';
import { inlinePostgres, postgresLiteral, renderPostgresOffline } from '../../src/postgres-offline.js';

describe('PostgreSQL literals for offline scripts', () => {
  it('spells values as pg binds them', () => {
    expect(postgresLiteral("it's \\ raw")).toBe("'it''s \\ raw'");
    expect(postgresLiteral(null)).toBe('NULL');
    expect(postgresLiteral(true)).toBe('TRUE');
    expect(postgresLiteral(-2.5)).toBe('(-2.5)');
    expect(postgresLiteral(Number.NaN)).toBe("'NaN'::float8");
    expect(postgresLiteral(Number.NEGATIVE_INFINITY)).toBe("'-Infinity'::float8");
    expect(postgresLiteral(new Date('2024-01-02T03:04:05.678Z'))).toBe("'2024-01-02T03:04:05.678Z'");
    expect(postgresLiteral(Buffer.from([0, 255]))).toBe("'\\x00ff'::bytea");
    expect(postgresLiteral(['a', 'b"c', null, ['d']])).toBe(`'{"a","b\\"c",NULL,{"d"}}'`);
    expect(postgresLiteral({ k: "it's" })).toBe(`'{"k":"it''s"}'`);
  });

  it('inlines ? and $n parameters, leaving JSONB operators, dollar quotes and strings alone', () => {
    expect(inlinePostgres("SELECT data \\? 'k', ? FROM t WHERE a = '?'", ['x'])).toBe("SELECT data ? 'k', 'x' FROM t WHERE a = '?'");
    expect(inlinePostgres('DO $$ BEGIN PERFORM $1; END $$; SELECT $1', [7])).toBe('DO $$ BEGIN PERFORM $1; END $$; SELECT 7');
  });

  it('frames transactions with the URL\'s and the adapter\'s timeouts, and never connects', async () => {
    const renderer = await renderPostgresOffline(
      { url: 'postgresql://u:secret@host.invalid/db?statement_timeout=60s', cwd: '/', versionTable: { name: 'alembic_version' } },
      { timeouts: new Map([['lock_timeout', '5s']]), schema: undefined },
    );
    expect(renderer.beginTransaction).toEqual(['BEGIN', "SET LOCAL lock_timeout = '5s'", "SET LOCAL statement_timeout = '60s'"]);
    expect(renderer.bulkInsert('t', [{ a: 1, b: "x'" }, { a: 2 }])).toEqual([`insert into "t" ("a", "b") values (1, 'x'''), (2, default)`]);
  });
});

describe('constraints added NOT VALID and validated, offline', () => {
  const context = { dialect: 'postgresql', offline: true, inTransaction: true, describeTable: async () => undefined };
  const compile = async (changes: readonly TableChange[]): Promise<readonly string[]> => {
    const renderer = await postgresAdapter().renderOffline!({ url: 'postgresql://host.invalid/db', cwd: '/', versionTable: { name: 'alembic_version' } });
    return (await renderer.operationCompiler!.compile({ kind: 'alterTable', table: { name: 'post' }, changes, batch: changes.length > 1 }, context)).statements;
  };
  const authorKey = { name: 'post_author_id_foreign', columns: ['author_id'], referencedTable: { name: 'user' }, referencedColumns: ['id'], onDelete: 'cascade' } as const;

  it('writes NOT VALID for a foreign key and a check added notValid, and VALIDATE CONSTRAINT', async () => {
    expect(
      await compile([
        { kind: 'addForeignKey', foreignKey: authorKey, notValid: true },
        { kind: 'addCheck', check: { name: 'post_title_check', expression: "title <> ''" }, notValid: true },
        { kind: 'validateConstraint', name: 'post_author_id_foreign' },
      ]),
    ).toEqual([
      'alter table "post" add constraint "post_author_id_foreign" foreign key ("author_id") references "user" ("id") on delete cascade not valid',
      `alter table "post" add constraint "post_title_check" check (title <> '') not valid`,
      'alter table "post" validate constraint "post_author_id_foreign"',
    ]);
  });

  it('checks the rows at once without notValid', async () => {
    expect(await compile([{ kind: 'addForeignKey', foreignKey: authorKey }])).toEqual([
      'alter table "post" add constraint "post_author_id_foreign" foreign key ("author_id") references "user" ("id") on delete cascade',
    ]);
  });
});

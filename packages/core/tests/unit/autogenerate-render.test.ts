import { describe, expect, it } from 'vitest';

import { describeChange, renderOperations, reviewNotes, stringLiteral } from '../../src/autogenerate/render-changes.js';
import type { SchemaChange } from '../../src/adapter/schema-change.js';
import { schemaFilter } from '../../src/autogenerate/schema-filter.js';
import { splitStatements } from '../../src/autogenerate/split-statements.js';

const change = (overrides: Partial<SchemaChange> & Pick<SchemaChange, 'action' | 'object' | 'name'>): SchemaChange => ({
  details: [],
  ...overrides,
});

describe('describeChange', () => {
  it("says what changed in Alembic's words", () => {
    expect(describeChange(change({ action: 'add', object: 'table', name: 'post', details: [{ property: 'id', from: undefined, to: 'int' }] }))).toBe(
      "Detected added table 'post'",
    );
    expect(
      describeChange(change({ action: 'add', object: 'column', table: 'user', name: 'age', details: [{ property: 'definition', from: undefined, to: 'integer null' }] })),
    ).toBe("Detected added column 'user.age': integer null");
    expect(
      describeChange(
        change({
          action: 'modify',
          object: 'column',
          table: 'user',
          name: 'name',
          details: [
            { property: 'nullable', from: 'not null', to: 'null' },
            { property: 'default', from: undefined, to: "'x'" },
          ],
        }),
      ),
    ).toBe("Detected changed column 'user.name': nullable not null -> null, default (none) -> 'x'");
    expect(describeChange(change({ action: 'remove', object: 'index', table: 'user', name: 'user_name_index' }))).toBe(
      "Detected removed index 'user_name_index' on 'user'",
    );
    expect(
      describeChange(
        change({
          action: 'add',
          object: 'foreign_key',
          table: 'post',
          name: 'post_author_id_foreign',
          details: [
            { property: 'references', from: undefined, to: '(author_id) -> user (id)' },
            { property: 'on delete', from: undefined, to: 'cascade' },
          ],
        }),
      ),
    ).toBe("Detected added foreign key 'post_author_id_foreign' on 'post': (author_id) -> user (id), on delete cascade");
    expect(describeChange(change({ action: 'rename', object: 'column', table: 'user', name: 'full_name', from: 'fullname' }))).toBe(
      "Detected renamed column 'user.full_name' (was 'fullname')",
    );
  });
});

describe('reviewNotes', () => {
  it('flags a drop and an add in one table as a possible rename', () => {
    const notes = reviewNotes([
      change({ action: 'remove', object: 'column', table: 'user', name: 'fullname' }),
      change({ action: 'add', object: 'column', table: 'user', name: 'full_name' }),
      change({ action: 'add', object: 'column', table: 'post', name: 'body' }),
    ]);
    expect(notes).toEqual([
      "Column 'user.fullname' is dropped and 'user.full_name' added: if this is a rename, replace the drop and the add with " +
        'a rename (op.alterColumn(…, { name }), or ALTER TABLE … RENAME COLUMN …) in up() and down(), or the data in the column is lost.',
    ]);
  });

  it('flags a dropped and a created table, and an inferred rename', () => {
    const notes = reviewNotes([
      change({ action: 'remove', object: 'table', name: 'people' }),
      change({ action: 'add', object: 'table', name: 'person' }),
      change({ action: 'rename', object: 'column', table: 'user', name: 'mail', from: 'email' }),
    ]);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^Column 'user\.email' is renamed to 'mail'/);
    expect(notes[1]).toMatch(/^Table 'people' is dropped and 'person' created: if this is a rename/);
  });

  it('has nothing to say about plain additions', () => {
    expect(reviewNotes([change({ action: 'add', object: 'column', table: 'user', name: 'age' })])).toEqual([]);
    const nullable = [{ property: 'definition', from: undefined, to: 'integer null' }];
    const withDefault = [{ property: 'definition', from: undefined, to: 'integer not null default 0' }];
    expect(reviewNotes([change({ action: 'add', object: 'column', table: 'user', name: 'age', details: nullable })])).toEqual([]);
    expect(reviewNotes([change({ action: 'add', object: 'column', table: 'user', name: 'age', details: withDefault })])).toEqual([]);
  });

  it('flags a new NOT NULL column without a default, which fails on a table with rows', () => {
    const details = [{ property: 'definition', from: undefined, to: 'integer not null' }];
    expect(reviewNotes([change({ action: 'add', object: 'column', table: 'user', name: 'age', details })])).toEqual([
      "Column 'user.age' is added NOT NULL without a default: on a table that has rows the migration fails. Give it a " +
        'default, or add it nullable, fill it, and make it NOT NULL in a later migration.',
    ]);
  });
});

describe('renderOperations with checks', () => {
  it('runs the checks marked before ahead of the statements, the others after, each throwing with its rows', () => {
    const body = renderOperations(['drop table `a`'], [], '    ', [
      { comment: 'After.', query: 'select 1 as x', failure: 'It failed:' },
      { when: 'before', comment: 'Before.', query: "select 'a' as y", failure: 'Too early:' },
    ]);
    expect(body).toBe(
      [
        '    {',
        '      // Before.',
        `      const rows = await op.query(\`select 'a' as y\`);`,
        "      if (rows.length > 0) throw new Error('Too early: ' + JSON.stringify(rows));",
        '    }',
        "    await op.execute('drop table `a`');",
        '    {',
        '      // After.',
        "      const rows = await op.query('select 1 as x');",
        "      if (rows.length > 0) throw new Error('It failed: ' + JSON.stringify(rows));",
        '    }',
      ].join('\n'),
    );
  });
});

describe('renderOperations', () => {
  it('writes one op.execute per statement, after the review notes', () => {
    const body = renderOperations(["create table `a` (`x` text default 'y')", 'drop table "b"'], ['Look at this.']);
    expect(body).toBe(
      [
        '    // REVIEW: cgmigrate autogenerate could not decide the following; check them before running this migration.',
        '    // - Look at this.',
        "    await op.execute('create table `a` (`x` text default \\'y\\')');",
        `    await op.execute('drop table "b"');`,
      ].join('\n'),
    );
  });

  it('quotes statements so that the file evaluates back to them', () => {
    for (const sql of ["default 'a'", 'a `b` \\ c', "x 'y' `z`", 'line\nbreak', "tpl ${x} 'q'", "multi\nline 'q'"]) {
      expect(new Function(`return ${stringLiteral(sql)};`)()).toBe(sql);
    }
    expect(stringLiteral("default 'a'")).toBe("`default 'a'`");
  });
});

describe('splitStatements', () => {
  it('splits on a semicolon that ends a line, outside quotes, comments and dollar quotes', () => {
    const script = [
      "create table `a` (`x` text default 'a;",
      "b');",
      'create index "i;" on "a" ("x");',
      '',
      "create function f() returns int as $$ begin return 1;",
      'end; $$ language plpgsql;',
      '-- a comment;',
      'create trigger t after insert on a for each row begin select 1; end;',
      'alter table a add column y int',
    ].join('\n');
    expect(splitStatements(script)).toEqual([
      "create table `a` (`x` text default 'a;\nb')",
      'create index "i;" on "a" ("x")',
      'create function f() returns int as $$ begin return 1;\nend; $$ language plpgsql',
      '-- a comment;\ncreate trigger t after insert on a for each row begin select 1; end',
      'alter table a add column y int',
    ]);
    expect(splitStatements('\n\n')).toEqual([]);
  });
});

describe('schemaFilter', () => {
  const table = (name: string, schema?: string) => ({ type: 'table' as const, name, schema });

  it('never includes the version and audit tables', () => {
    const include = schemaFilter([{ name: 'alembic_version' }, { name: 'cgmigrate_audit', schema: 'ops' }]);
    expect(include(table('alembic_version'), 'database')).toBe(false);
    expect(include(table('alembic_version', 'public'), 'database')).toBe(false);
    expect(include(table('cgmigrate_audit', 'ops'), 'database')).toBe(false);
    expect(include(table('cgmigrate_audit', 'public'), 'database')).toBe(true);
    expect(include(table('user'), 'entities')).toBe(true);
  });

  it('applies the include list, the exclude list, then the function', () => {
    const seen: string[] = [];
    const include = schemaFilter([{ name: 'alembic_version' }], {
      includeTables: ['user', 'app.post', 'legacy'],
      excludeTables: ['legacy'],
      includeObject: (object, source) => {
        seen.push(`${source}:${object.name}`);
        return object.schema !== 'archive';
      },
    });
    expect(include(table('user'), 'entities')).toBe(true);
    expect(include(table('post', 'app'), 'database')).toBe(true);
    expect(include(table('post', 'other'), 'database')).toBe(false);
    expect(include(table('legacy'), 'database')).toBe(false);
    expect(include(table('user', 'archive'), 'database')).toBe(false);
    expect(seen).toEqual(['entities:user', 'database:post', 'database:user']);
  });
});

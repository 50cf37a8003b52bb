import { describe, expect, it } from 'vitest';

import type { SchemaOperationCompiler } from '../../src/adapter/schema-operation-compiler.js';
import { compilesSafeForms, splitSafeForms } from '../../src/autogenerate/safe-forms.js';
import { OperationNotSupportedError } from '../../src/errors.js';
import type { AlterTableOperation, CreateTableOperation, ForeignKeyDefinition, QualifiedName, TableChange } from '../../src/operations/schema-operation.js';

const USER = { name: 'user' };
const POST = { name: 'post' };

const alter = (table: QualifiedName, ...changes: TableChange[]): AlterTableOperation => ({ kind: 'alterTable', table, changes, batch: changes.length > 1 });
const createIndex = (name: string, columns: string[]): TableChange => ({ kind: 'createIndex', index: { name, columns, unique: false }, concurrently: false, ifNotExists: false });
const dropIndex = (name: string, concurrently = false): TableChange => ({ kind: 'dropIndex', name, concurrently, ifExists: false });
const authorKey: ForeignKeyDefinition = { name: 'post_author_id_foreign', columns: ['author_id'], referencedTable: USER, referencedColumns: ['id'], onDelete: 'cascade' };
const post: CreateTableOperation = {
  kind: 'createTable',
  table: POST,
  columns: [
    { name: 'id', type: 'integer', primaryKey: true },
    { name: 'author_id', type: 'integer' },
  ],
  indexes: [{ name: 'post_author_id_index', columns: ['author_id'] }],
  uniques: [],
  foreignKeys: [authorKey],
  checks: [{ name: 'post_id_check', expression: 'id > 0' }],
};

describe('splitSafeForms', () => {
  it('builds an index on an existing table concurrently in the second revision, whose down drops it concurrently', () => {
    const up = [alter(USER, { kind: 'addColumn', column: { name: 'age', type: 'integer' } }, createIndex('user_name_index', ['name']))];
    const down = [alter(USER, dropIndex('user_name_index'), { kind: 'dropColumn', column: 'age' })];
    expect(splitSafeForms(up, down)).toEqual({
      first: {
        up: [{ kind: 'alterTable', table: USER, changes: [{ kind: 'addColumn', column: { name: 'age', type: 'integer' } }], batch: false }],
        down: [{ kind: 'alterTable', table: USER, changes: [{ kind: 'dropColumn', column: 'age' }], batch: false }],
      },
      second: {
        up: [alter(USER, { ...createIndex('user_name_index', ['name']), concurrently: true } as TableChange)],
        down: [alter(USER, dropIndex('user_name_index', true))],
      },
      moved: { indexes: 1, validations: 0 },
    });
  });

  it('adds a foreign key and a check to an existing table notValid, and validates them in the second revision', () => {
    const check: TableChange = { kind: 'addCheck', check: { name: 'post_title_check', expression: "title <> ''" } };
    const up = [alter(POST, { kind: 'addForeignKey', foreignKey: authorKey }, check)];
    const down = [alter(POST, { kind: 'dropConstraint', name: 'post_title_check', type: 'check' }, { kind: 'dropConstraint', name: authorKey.name, type: 'foreignKey' })];
    const split = splitSafeForms(up, down);
    expect(split.first.up).toEqual([alter(POST, { kind: 'addForeignKey', foreignKey: authorKey, notValid: true }, { ...check, notValid: true } as TableChange)]);
    expect(split.first.down).toEqual(down);
    expect(split.second.up).toEqual([alter(POST, { kind: 'validateConstraint', name: authorKey.name }), alter(POST, { kind: 'validateConstraint', name: 'post_title_check' })]);
    expect(split.second.down).toEqual([]);
    expect(split.moved).toEqual({ indexes: 0, validations: 2 });
  });

  it('leaves a table the migration creates as it is: its indexes and constraints inline, a key added to it after a cycle too', () => {
    const up = [post, alter(POST, { kind: 'addForeignKey', foreignKey: { ...authorKey, name: 'post_parent_foreign' } }), alter(POST, createIndex('post_late_index', ['id']))];
    const down = [{ kind: 'dropTable' as const, table: POST, ifExists: false }];
    const split = splitSafeForms(up, down);
    expect(split.first).toEqual({ up, down });
    expect(split.second).toEqual({ up: [], down: [] });
  });

  it('keeps what is already in its safe form, and the other changes of the table, in the first revision', () => {
    const concurrent: TableChange = { kind: 'createIndex', index: { name: 'ix_done', columns: ['a'] }, concurrently: true, ifNotExists: false };
    const up = [
      alter(USER, { kind: 'addForeignKey', foreignKey: authorKey, notValid: true }),
      alter(USER, concurrent),
      alter(USER, { kind: 'addUnique', unique: { name: 'uq_email', columns: ['email'] } }, dropIndex('ix_old')),
    ];
    const split = splitSafeForms(up, []);
    expect(split.first.up).toEqual(up);
    expect(split.second.up).toEqual([]);
  });

  it('rebuilds a changed index: the first revision drops the old one, the second builds the new one; each down undoes its own', () => {
    const up = [alter(USER, dropIndex('user_name_index'), createIndex('user_name_index', ['name', 'email']))];
    const down = [alter(USER, dropIndex('user_name_index'), createIndex('user_name_index', ['name']))];
    const split = splitSafeForms(up, down);
    expect(split.first.up).toEqual([alter(USER, dropIndex('user_name_index'))]);
    // Only the drop of the index the second revision builds leaves the first's down; the old index comes back there.
    expect(split.first.down).toEqual([alter(USER, createIndex('user_name_index', ['name']))]);
    expect(split.second.down).toEqual([alter(USER, dropIndex('user_name_index', true))]);
  });

  it('tells tables of the same name in different schemas apart', () => {
    const app = { name: 'user', schema: 'app' };
    const created: CreateTableOperation = { ...post, table: app, indexes: [], foreignKeys: [], checks: [] };
    const split = splitSafeForms([created, alter(USER, createIndex('user_name_index', ['name']))], [alter(USER, dropIndex('user_name_index'))]);
    expect(split.second.up).toHaveLength(1);
    expect(split.first.down).toEqual([]);
  });
});

describe('compilesSafeForms', () => {
  const context = { dialect: 'postgresql' };
  it('is true when the compiler writes every safe form, outside a transaction', async () => {
    const seen: boolean[] = [];
    const compiler: SchemaOperationCompiler = {
      compile: async (_operation, { inTransaction }) => {
        seen.push(inTransaction);
        return { statements: ['-- ok'] };
      },
    };
    expect(await compilesSafeForms(compiler, context.dialect)).toBe(true);
    expect(seen.every((inTransaction) => !inTransaction)).toBe(true);
  });

  it('is false when the compiler refuses any of them, or there is no compiler', async () => {
    const refusing: SchemaOperationCompiler = {
      compile: async (operation) => {
        if (operation.kind === 'alterTable' && operation.changes.some((change) => change.kind === 'validateConstraint')) {
          throw new OperationNotSupportedError('alterTable', 'sqlite', 'SQLite has no VALIDATE CONSTRAINT');
        }
        return { statements: [] };
      },
    };
    expect(await compilesSafeForms(refusing, 'sqlite')).toBe(false);
    expect(await compilesSafeForms(undefined, 'sqlite')).toBe(false);
  });
});

import { PORTABLE_COLUMN_TYPES, type ColumnDefinition, type CreateTableOperation, type NamedColumn, type OperationCompileContext } from '@cloudguard/migrate-core/adapter';
import { createOperationCompiler, unconnectedPlatform } from '@cloudguard/migrate-adapter-kit/operations';
import { SqliteDriver } from '@mikro-orm/sqlite';
import { describe, expect, it } from 'vitest';

import { plainCreateTable } from '../../src/sqlite-create-table.js';
import { sqliteOperationCompiler } from '../../src/sqlite-operations.js';

const platform = unconnectedPlatform(SqliteDriver, ':memory:');
/** The kit's compiler alone, which writes every table through MikroORM's table model. */
const throughModel = createOperationCompiler({
  dialect: 'sqlite',
  platform,
  features: { displayName: 'SQLite', indexExistenceClauses: true, foreignKeysInCreateTable: true, expressionIndexes: true },
});
const context: OperationCompileContext = { dialect: 'sqlite', offline: true, inTransaction: true, describeTable: async () => undefined, query: undefined };

function table(columns: Record<string, ColumnDefinition>, extra: Partial<CreateTableOperation> = {}): CreateTableOperation {
  const named: NamedColumn[] = Object.entries(columns).map(([name, definition]) => ({ name, ...definition }));
  return { kind: 'createTable', table: { name: 'things' }, columns: named, indexes: [], uniques: [], foreignKeys: [], checks: [], ...extra };
}

/** Every column shape the direct path writes: each portable type but enum, with each nullability, key and default. */
function plainColumns(): Record<string, ColumnDefinition>[] {
  const shapes: Record<string, ColumnDefinition>[] = [];
  for (const type of PORTABLE_COLUMN_TYPES.filter((type) => type !== 'enum')) {
    shapes.push({ a: { type } }, { a: { type, nullable: false } }, { a: { type, nullable: true } }, { a: { type, primaryKey: true } });
    shapes.push({ a: { type, nativeType: { sqlite: 'custom_type' } } });
  }
  shapes.push(
    { id: { type: 'integer', primaryKey: true, autoincrement: true }, name: { type: 'string', length: 50 } },
    { id: { type: 'bigint', primaryKey: true, autoincrement: true, nativeType: { sqlite: 'int8' } } },
    { n: { type: 'integer', default: 0 }, m: { type: 'decimal', precision: 12, scale: 2, default: 1.5 } },
    { s: { type: 'string', default: "it's; here\n" }, t: { type: 'text', default: 'null' } },
    { b: { type: 'boolean', default: true }, c: { type: 'boolean', default: false, nullable: false } },
    { d: { type: 'datetime', default: { sql: 'CURRENT_TIMESTAMP' } }, e: { type: 'datetime', timezone: true, precision: 3 } },
    { x: { type: 'text', default: { sql: 'null' } }, y: { type: 'time', timezone: true } },
    { 'odd "name"': { type: 'json', comment: 'about it' }, 'with`tick': { type: 'uuid' } },
  );
  return shapes;
}

describe('plain createTable on SQLite', () => {
  it('writes what MikroORM writes from the table model, for every plain column shape', async () => {
    for (const columns of plainColumns()) {
      const operation = table(columns);
      const direct = plainCreateTable(operation, platform);
      expect(direct, JSON.stringify(columns)).toBeDefined();
      expect(direct).toEqual((await throughModel.compile(operation, context)).statements);
    }
  });

  it('leaves every other table to the table model', () => {
    const others: CreateTableOperation[] = [
      table({ a: { type: 'integer' } }, { table: { name: 'things', schema: 'main' } }),
      table({ a: { type: 'integer' }, b: { type: 'integer' } }, { primaryKey: { columns: ['a', 'b'] } }),
      table({ a: { type: 'integer', primaryKey: true }, b: { type: 'integer', primaryKey: true } }),
      table({ a: { type: 'integer', unique: true } }),
      table({ a: { type: 'integer', references: { table: 'other', column: 'id' } } }),
      table({ a: { type: 'enum', values: ['x', 'y'] } }),
      table({ a: { type: 'integer' } }, { indexes: [{ name: 'i', columns: ['a'] }] }),
      table({ a: { type: 'integer' } }, { uniques: [{ name: 'u', columns: ['a'] }] }),
      table({ a: { type: 'integer' } }, { checks: [{ name: 'c', expression: 'a > 0' }] }),
      table({ a: { type: 'integer' } }, { foreignKeys: [{ name: 'f', columns: ['a'], referencedTable: { name: 'o' }, referencedColumns: ['id'] }] }),
      table({ a: { type: 'integer' } }, { comment: 'about it' }),
      table({ a: { type: 'integer', default: { sql: "nextval('s')" } } }),
    ];
    for (const operation of others) expect(plainCreateTable(operation, platform), JSON.stringify(operation)).toBeUndefined();
  });

  it('compiles every table as before through the SQLite compiler', async () => {
    const compiler = sqliteOperationCompiler(platform);
    const operation = table({ id: { type: 'integer', primaryKey: true }, name: { type: 'string', length: 50 } });
    expect((await compiler.compile(operation, context)).statements).toEqual(['create table `things` (`id` integer not null primary key, `name` text null)']);
    const keyed = table({ a: { type: 'integer' }, b: { type: 'integer' } }, { primaryKey: { columns: ['a', 'b'] } });
    expect((await compiler.compile(keyed, context)).statements).toEqual((await throughModel.compile(keyed, context)).statements);
  });
});

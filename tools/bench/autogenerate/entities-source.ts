/** The model as MikroORM 7 entities (`defineEntity`, ESM JavaScript): what cgmigrate and MikroORM's CLI load. */
import type { ModelColumn, ModelTable } from './model.ts';

/** `entities.mjs`: one `defineEntity` per table, and `entities`, the list of them. */
export function entitiesModule(model: readonly ModelTable[]): string {
  const lines = ["import { defineEntity, p } from '@mikro-orm/core';", ''];
  for (const table of model) {
    const properties = table.columns.map((column) => `    ${property(column, model)},`);
    lines.push(
      `export const ${table.entity} = defineEntity({`,
      `  name: '${table.entity}',`,
      `  tableName: '${table.name}',`,
      `  indexes: [${table.indexed.map((column) => `{ properties: ['${camel(column)}'] }`).join(', ')}],`,
      '  properties: {',
      ...properties,
      '  },',
      '});',
      '',
    );
  }
  lines.push(`export const entities = [${model.map((table) => table.entity).join(', ')}];`, '');
  return lines.join('\n');
}

function property(column: ModelColumn, model: readonly ModelTable[]): string {
  if (column.references !== undefined) {
    const target = model.find((table) => table.name === column.references)!;
    return `parent: () => p.manyToOne(${target.entity}).nullable()`;
  }
  const base = {
    id: 'p.integer().primary()',
    string: `p.string().length(${column.length ?? 255})`,
    text: 'p.text()',
    integer: 'p.integer()',
    double: 'p.double()',
    datetime: 'p.datetime()',
    boolean: 'p.boolean()',
  }[column.kind];
  return `${camel(column.name)}: ${base}${column.nullable ? '.nullable()' : ''}${column.unique ? '.unique()' : ''}`;
}

function camel(name: string): string {
  return name.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());
}

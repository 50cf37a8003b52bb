/** The model as SQLAlchemy Core tables, for Alembic's autogenerate (`models.py`). */
import type { ModelColumn, ModelTable } from './model.ts';

/** `models.py`: a `MetaData` holding one `Table` per table of the model. */
export function sqlalchemyModule(model: readonly ModelTable[]): string {
  const lines = [
    'from sqlalchemy import Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text',
    '',
    'metadata = MetaData()',
    '',
  ];
  for (const table of model) {
    lines.push(`Table('${table.name}', metadata,`);
    for (const column of table.columns) lines.push(`    ${sqlalchemyColumn(column, table.indexed.includes(column.name))},`);
    lines.push(')', '');
  }
  return lines.join('\n');
}

function sqlalchemyColumn(column: ModelColumn, indexed: boolean): string {
  const type = {
    id: 'Integer',
    string: `String(${column.length ?? 255})`,
    text: 'Text',
    integer: 'Integer',
    double: 'Float',
    datetime: 'DateTime',
    boolean: 'Boolean',
  }[column.kind];
  const options = [`'${column.name}'`, type];
  if (column.references !== undefined) options.push(`ForeignKey('${column.references}.id')`);
  if (column.kind === 'id') options.push('primary_key=True');
  else options.push(`nullable=${column.nullable ? 'True' : 'False'}`);
  if (column.unique) options.push('unique=True');
  if (indexed || column.references !== undefined) options.push('index=True');
  return `Column(${options.join(', ')})`;
}

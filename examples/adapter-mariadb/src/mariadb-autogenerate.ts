/**
 * MariaDB's schema differ: entity definitions compared with the database through
 * MikroORM's MariaDB introspection and `SchemaComparator`, for `revision --autogenerate`
 * and `check`.
 *
 * @packageDocumentation
 */

import { comparedOperations, compareEntitiesWithDatabase, entityMetadataOrm } from '@cloudguard/migrate-adapter-kit/autogenerate';
import { introspectionConnection, isForeignKeyOwnIndex, type IntrospectionQuery } from '@cloudguard/migrate-adapter-kit/operations';
import { describeSchemaDifference, type SchemaCompareRequest, type SchemaComparison } from '@cloudguard/migrate-core/adapter';
import { DatabaseSchema, MikroORM, type AbstractSqlPlatform } from '@mikro-orm/mariadb';

/**
 * Compares entity definitions with the connection's MariaDB database, with MikroORM's
 * own calls (those of `SqlSchemaGenerator.getUpdateSchemaMigrationSQL`, which
 * `@mikro-orm/migrations` uses): the target schema from the entities' metadata, the
 * database's from introspection with `query` (the adapter's own session),
 * `SchemaComparator.compare(database, entities)` for `up` and the reverse, given the
 * first as its inverse, for `down`. Before comparing, the database's schema is read as
 * MikroORM would have written it (see {@link asMikroOrmWritesIt}).
 *
 * The entities get a MikroORM instance of their own that never connects: it only
 * holds their metadata.
 *
 * @param dbName - the connection's database, where the entities' tables live.
 * @throws {ConfigInvalidError} when MikroORM rejects the entity definitions.
 * @throws {DatabaseError} when the schema cannot be read.
 */
export async function compareMariaDbSchema(query: IntrospectionQuery, dbName: string, request: SchemaCompareRequest): Promise<SchemaComparison> {
  const target = entityMetadataOrm((options) => new MikroORM(options), { dbName }, request.entities);
  const compared = await compareEntitiesWithDatabase(
    target,
    request,
    { name: 'MariaDB', dialect: 'mariadb' },
    (platform, config, namespaces) => DatabaseSchema.create(introspectionConnection(platform, query), platform, config, undefined, namespaces),
    async (fromDatabase, toEntities) => asMikroOrmWritesIt(fromDatabase, toEntities, target.driver.getPlatform()),
  );
  return {
    up: compared.up,
    down: compared.down,
    changes: describeSchemaDifference(compared.upDiff),
    warnings: [],
    ...comparedOperations(compared.operations),
  };
}

/**
 * Reads two things of the database's schema as MikroORM's MariaDB platform writes them,
 * so that what the entities declare and the database holds compare equal:
 *
 * - An enum property MikroORM gives a `varchar` column (a `columnType`) carries its
 *   values in the column's `enumItems`, and MikroORM writes no check for them on
 *   MariaDB. A migration (`op` with `type: 'enum'`, or a hand-written `check`) writes
 *   them as a check named as MikroORM names a column's check, `<table>_<column>_check`,
 *   `<column> in ('a', …)` (the name MikroORM itself takes for an enum's check when it
 *   reads a database into entities). Such a check, on a column the entities give enum
 *   items, is read as the column's items: the column gets its values and the check
 *   goes. Values that differ from the entities' are then a change of the column's
 *   items, still reported.
 * - MariaDB makes an index for each foreign key by itself (named as the key, on its
 *   columns); MikroORM's entities have none. Such an index is the key's, not one the
 *   table declares (the rule `describeTable` uses), and is left out.
 */
export function asMikroOrmWritesIt(fromDatabase: DatabaseSchema, toEntities: DatabaseSchema, platform: AbstractSqlPlatform): void {
  for (const table of fromDatabase.getTables()) {
    const entityTable = toEntities.getTable(table.name);
    const enumChecks = new Set<string>();
    for (const column of table.getColumns()) {
      const declared = entityTable?.getColumn(column.name)?.enumItems;
      if (declared === undefined || declared.length === 0 || (column.enumItems?.length ?? 0) > 0) continue;
      const name = platform.getIndexName(table.name, [column.name], 'check');
      const check = table.getCheck(name);
      const values = check === undefined ? undefined : inListValues(check.expression, column.name);
      if (values === undefined) continue;
      column.enumItems = values;
      enumChecks.add(name);
    }
    if (enumChecks.size > 0) table.setChecks(table.getChecks().filter((check) => !enumChecks.has(check.name)));
    table.setIndexes(table.getIndexes().filter((index) => !isForeignKeyOwnIndex(index, table)));
  }
}

/**
 * The values of a check `<column> in ('a', 'b')` as MariaDB reports it (the column
 * quoted with backticks or not, the whole in parentheses or not); `undefined` for any
 * other expression.
 */
function inListValues(expression: unknown, column: string): string[] | undefined {
  if (typeof expression !== 'string') return undefined;
  const match = /^\(*\s*`?([^`\s]+)`?\s+in\s*\((.*)\)\s*\)*$/is.exec(expression.trim());
  if (match?.[1] !== column) return undefined;
  const list = match[2] ?? '';
  const values: string[] = [];
  const literal = /\s*'((?:[^'\\]|''|\\.)*)'\s*(,|$)/gy;
  let position = 0;
  while (position < list.length) {
    literal.lastIndex = position;
    const item = literal.exec(list);
    if (item === null) return undefined;
    values.push((item[1] ?? '').replace(/''/g, "'").replace(/\\(.)/g, '$1'));
    position = literal.lastIndex;
    if (item[2] === '') break;
  }
  return position === list.length && values.length > 0 ? values : undefined;
}

import { isRaw, raw } from '@mikro-orm/core';
import type { Query } from '@mikro-orm/migrations';
import type { AbstractSqlPlatform } from '@mikro-orm/sql';

/** What a native query builder compiles to (`NativeQueryBuilder.compile()`). */
interface CompiledNativeQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/**
 * A query of a MikroORM migration (`addSql()`, `this.execute()`) as the one statement
 * MikroORM would send for it: a native query builder compiled, a `raw()` fragment's SQL
 * with its parameters, a string with `params` (an array for `?`, an object for `:name`),
 * and the parameters written into the text by the platform's `formatQuery`, `??` as a
 * quoted identifier. This is what MikroORM's own connection does before it executes
 * (`AbstractSqlConnection.prepareQuery`): it never binds parameters, so a migration's
 * values come out as MikroORM's own literals, online and in `--sql` alike.
 *
 * Builders and fragments of another copy of MikroORM (the one the user's project
 * resolves) are recognised by shape: a fragment by MikroORM's own cross-copy check, a
 * builder by its `compile()`.
 *
 * ### Examples
 * ```ts
 * migrationQueryText("insert into t (a) values (?)", ["it's"], platform) // "insert into t (a) values ('it''s')"
 * migrationQueryText(raw('select ?? from t', ['a']), undefined, platform) // 'select "a" from t'
 * ```
 *
 * @throws {TypeError} for anything else (MikroORM's `addSql` takes text, `raw()` or a builder).
 */
export function migrationQueryText(query: Query, params: unknown, platform: AbstractSqlPlatform): string {
  const compiled = nativeQuery(query);
  if (compiled !== undefined) return platform.formatQuery(compiled.sql, [...compiled.params]);
  if (typeof query === 'string') {
    if (params === undefined || params === null) return query;
    // An object names its parameters (`:name`): MikroORM's raw() numbers them, as its connection does.
    const fragment = Array.isArray(params) ? { sql: query, params } : raw(query, params as Record<string, unknown>);
    return platform.formatQuery(fragment.sql, [...fragment.params]);
  }
  if (isRaw(query)) return platform.formatQuery(query.sql, [...query.params]);
  throw new TypeError(`A MikroORM migration query must be SQL text, a raw() fragment or a native query builder, not ${describe(query)}`);
}

/** The compiled form of a native query builder (ours or another copy's), or `undefined` for anything else. */
function nativeQuery(query: unknown): CompiledNativeQuery | undefined {
  if (typeof query !== 'object' || query === null || isRaw(query)) return undefined;
  const compile = (query as { compile?: unknown }).compile;
  if (typeof compile !== 'function') return undefined;
  return compile.call(query) as CompiledNativeQuery;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'no prototype'})`;
  return `${typeof value} ${String(value)}`;
}

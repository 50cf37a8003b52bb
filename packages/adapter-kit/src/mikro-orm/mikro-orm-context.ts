/**
 * Takes one context out of what a MikroORM config file exports, by the rules of
 * `@mikro-orm/cli`'s `searchConfiguration` (MikroORM 7), so that cgmigrate reads the
 * config MikroORM's own `migration:up` would.
 */

import { MikroOrmConfigInvalidError } from '@cloudguard/migrate-core';

type Options = Record<string, unknown>;

/**
 * The options of context `contextName` in a config file's (awaited) default export:
 * - an object: it, when its `contextName` is `contextName` (or it has none and
 *   `contextName` is `default`);
 * - a function: its result for `contextName` (awaited), which must be an object with no
 *   `contextName` or that one;
 * - an array: the one object matching as above (two are an error), else the first
 *   function's result that is such an object.
 *
 * ### Examples
 * ```ts
 * await selectMikroOrmContext([{ contextName: 'a', dbName: 'a.db' }, { contextName: 'b' }], 'a', file) // { contextName: 'a', dbName: 'a.db' }
 * await selectMikroOrmContext((name) => ({ dbName: `${name}.db` }), 'default', file)                  // { dbName: 'default.db' }
 * ```
 * @throws {MikroOrmConfigInvalidError} when no context (or more than one) matches, or a function throws.
 */
export async function selectMikroOrmContext(exported: unknown, contextName: string, file: string): Promise<Options> {
  const matches = (value: unknown): value is Options =>
    isObject(value) && ('contextName' in value ? value['contextName'] === contextName : contextName === 'default');
  const validFactoryResult = (value: unknown): value is Options =>
    isObject(value) && (!('contextName' in value) || value['contextName'] === contextName);
  const call = async (factory: (name: string) => unknown): Promise<unknown> => {
    try {
      return await factory(contextName);
    } catch (error) {
      throw new MikroOrmConfigInvalidError(file, `its config function threw for context '${contextName}': ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
  };

  if (Array.isArray(exported)) {
    const first = exported.findIndex(matches);
    if (first !== -1) {
      const last = exported.findLastIndex(matches);
      if (last !== first) throw new MikroOrmConfigInvalidError(file, `its array holds context '${contextName}' twice (entries ${first} and ${last})`);
      return exported[first] as Options;
    }
    for (const entry of exported) {
      if (typeof entry !== 'function') continue;
      const candidate = await call(entry as (name: string) => unknown);
      if (validFactoryResult(candidate)) return candidate;
    }
    throw new MikroOrmConfigInvalidError(
      file,
      `its array holds no config for context '${contextName}' (an object with that contextName, or a function that returns one for it)`,
    );
  }
  if (typeof exported === 'function') {
    const candidate = await call(exported as (name: string) => unknown);
    if (!validFactoryResult(candidate)) {
      throw new MikroOrmConfigInvalidError(file, `its config function returned no config for context '${contextName}'`);
    }
    return candidate;
  }
  if (!matches(exported)) {
    throw new MikroOrmConfigInvalidError(
      file,
      contextName === 'default' && isObject(exported)
        ? `its default export is the config of context '${String(exported['contextName'])}', not 'default'`
        : `its default export is not a config for context '${contextName}'`,
    );
  }
  return exported;
}

function isObject(value: unknown): value is Options {
  return typeof value === 'object' && value !== null;
}

import { ConfigInvalidError } from '../errors.js';
import type { MigrateConfig } from './define-config.js';

/**
 * Keys whose values belong to other libraries (an adapter object, MikroORM entity
 * definitions): read once, but kept as they are, since copying them would break their
 * identity (entities point at each other) and run their getters ahead of time.
 */
const OPAQUE_KEYS: ReadonlySet<string> = new Set(['adapter', 'entities']);

/** A getter (or a proxy trap) that threw while a config value was read, with where. */
class ConfigReadError extends Error {
  constructor(
    readonly where: string,
    readonly thrown: unknown,
  ) {
    super(where);
  }
}

/**
 * Reads a config object once, every value inside a `try`: a copy in which the plain
 * data (objects and arrays, at any depth) is copied too, so that validation and every
 * later use see the same values and no getter of the config runs again. A getter that
 * throws (`get url() { throw new Error('vault unreachable') }`, at any depth) or a proxy
 * that refuses to list its keys is a {@link ConfigInvalidError} naming the file, the
 * key and what was thrown, instead of an unexpected error from wherever the value
 * happened to be read first.
 *
 * ### Examples
 * ```ts
 * readConfigObject({ get url() { throw new Error('vault unreachable') } }, '/app/cgmigrate.config.ts')
 * // throws ConfigInvalidError: "Invalid configuration in /app/cgmigrate.config.ts:
 * //   reading 'url' threw: vault unreachable"
 * ```
 * @throws {ConfigInvalidError}
 */
export function readConfigObject(source: object, configPath: string | undefined): MigrateConfig {
  try {
    const copy: Record<string, unknown> = {};
    for (const key of ownKeys(source, '')) {
      const value = readProperty(source, key, key);
      copy[key] = OPAQUE_KEYS.has(key) ? value : copyData(value, key);
    }
    return copy as MigrateConfig;
  } catch (error) {
    if (!(error instanceof ConfigReadError)) throw error;
    throw new ConfigInvalidError(configPath, `${error.where} threw: ${describeThrown(error.thrown)}`, { cause: error.thrown });
  }
}

/** Plain objects and arrays copied, key by key; anything else (functions, class instances) kept. */
function copyData(value: unknown, where: string, inside: readonly object[] = []): unknown {
  const kind = kindOf(value, where);
  if (kind === 'other') return value;
  const data = value as object;
  if (inside.includes(data)) throw new ConfigReadError(`copying '${where}'`, new Error('it contains itself'));
  const path = [...inside, data];
  if (kind === 'array') {
    const length = readProperty(data, 'length', `${where}.length`) as number;
    return Array.from({ length }, (_, index) => copyData(readProperty(data, String(index), `${where}[${index}]`), `${where}[${index}]`, path));
  }
  const copy: Record<string, unknown> = {};
  for (const key of ownKeys(data, where)) copy[key] = copyData(readProperty(data, key, `${where}.${key}`), `${where}.${key}`, path);
  return copy;
}

/** Whether a value is an array, a plain object (`{…}`, or without prototype), or anything else; a proxy may throw here. */
function kindOf(value: unknown, where: string): 'array' | 'plain' | 'other' {
  if (typeof value !== 'object' || value === null) return 'other';
  try {
    if (Array.isArray(value)) return 'array';
    const prototype: unknown = Object.getPrototypeOf(value);
    return prototype === Object.prototype || prototype === null ? 'plain' : 'other';
  } catch (error) {
    throw new ConfigReadError(`reading '${where}'`, error);
  }
}

function ownKeys(value: object, where: string): string[] {
  try {
    return Object.keys(value);
  } catch (error) {
    throw new ConfigReadError(where === '' ? 'listing its keys' : `listing the keys of '${where}'`, error);
  }
}

function readProperty(value: object, key: string, where: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch (error) {
    throw new ConfigReadError(`reading '${where}'`, error);
  }
}

/** What was thrown, as one line: an error's message, or the value itself. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  try {
    return String(thrown);
  } catch {
    return 'a value that cannot be shown';
  }
}

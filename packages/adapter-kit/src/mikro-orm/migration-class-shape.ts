import { Migration } from '@mikro-orm/migrations';

/** What {@link readMigrationClassShape} found in a class that extends MikroORM's `Migration`. */
export interface MigrationClassShape {
  /** Whether the class (or a class between it and MikroORM's `Migration`) defines `down()`. */
  readonly overridesDown: boolean;
}

/** The methods a `Migration` of another copy of `@mikro-orm/migrations` is recognised by. */
const BASE_METHODS = ['addSql', 'getQueries', 'reset', 'setTransactionContext'] as const;

/**
 * Reads whether `migrationClass` is a MikroORM migration class and which of `up()` and
 * `down()` it defines, walking its prototype chain down to MikroORM's `Migration`. That
 * base is ours (`instanceof`), or the `Migration` of another copy of
 * `@mikro-orm/migrations`, the one the user's project resolves (a globally installed CLI
 * carries its own): an ancestor named `Migration` whose prototype has MikroORM's
 * `addSql`, `getQueries`, `reset` and `setTransactionContext`.
 *
 * MikroORM's base defines no `up()`, and a `down()` that throws "This migration cannot be
 * reverted": only methods of the classes below it count.
 *
 * ### Examples
 * ```ts
 * readMigrationClassShape(class extends Migration { async up() {} }) // { overridesDown: false }
 * readMigrationClassShape(class {})                                   // "it does not extend …"
 * ```
 *
 * @returns the shape, or a problem naming what is wrong (for `MALFORMED_MIGRATION`).
 */
export function readMigrationClassShape(migrationClass: abstract new (...args: never[]) => unknown): MigrationClassShape | string {
  const below: object[] = [];
  let prototype: unknown = migrationClass.prototype;
  while (typeof prototype === 'object' && prototype !== null && !isMigrationBase(prototype)) {
    below.push(prototype);
    prototype = Object.getPrototypeOf(prototype);
  }
  if (typeof prototype !== 'object' || prototype === null) {
    return "it does not extend MikroORM's Migration class (import { Migration } from '@mikro-orm/migrations')";
  }
  const defines = (method: string): boolean => below.some((own) => typeof Object.getOwnPropertyDescriptor(own, method)?.value === 'function');
  if (!defines('up')) return 'it has no up() method';
  return { overridesDown: defines('down') };
}

/** Whether `prototype` is the prototype of MikroORM's `Migration`, ours or another copy's. */
function isMigrationBase(prototype: object): boolean {
  if (prototype === Migration.prototype) return true;
  const named = (prototype as { constructor?: { name?: unknown } }).constructor?.name === 'Migration';
  return named && BASE_METHODS.every((method) => typeof Object.getOwnPropertyDescriptor(prototype, method)?.value === 'function');
}

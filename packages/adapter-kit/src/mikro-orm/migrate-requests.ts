import { MigratorCallNotSupportedError } from '@cloudguard/migrate-core';
import type { MigrateOptions } from '@mikro-orm/core';

/** What `orm.migrator.up(options)` asks for, in cgmigrate's terms. */
export type UpRequest =
  /** `up()`, `up({ to: 0 })`: `upgrade head`, as `cgmigrate upgrade head`. */
  | { readonly kind: 'head' }
  /** `up('name')`, `up([...])`, `up({ migrations })`, `up({ to })`: upgrade to each named revision in turn. */
  | { readonly kind: 'to'; readonly names: readonly string[] };

/** What `orm.migrator.down(options)` asks for, in cgmigrate's terms. */
export type DownRequest =
  /** `down()`: the last migration applied. */
  | { readonly kind: 'last' }
  /** `down({ to: 0 })`: `downgrade base`. */
  | { readonly kind: 'base' }
  /** `down({ to: 'name' })`: `downgrade <revision>`, which stays applied. */
  | { readonly kind: 'to'; readonly name: string }
  /** `down('name')`, `down([...])`, `down({ migrations })`: revert each named revision (and what is applied on top of it). */
  | { readonly kind: 'revert'; readonly names: readonly string[] };

type UpOptions = string | readonly string[] | MigrateOptions | undefined;
type DownOptions = string | readonly string[] | Omit<MigrateOptions, 'from'> | undefined;

/**
 * Reads the options of `orm.migrator.up()` as MikroORM's migrator does (`migrations` wins
 * over `to`; `to: 0` means all).
 *
 * ### Examples
 * ```ts
 * upRequest(undefined)              // { kind: 'head' }
 * upRequest({ to: 'ae1027' })       // { kind: 'to', names: ['ae1027'] }
 * ```
 * @throws {MigratorCallNotSupportedError} for `from`, `transaction` or `schema`.
 */
export function upRequest(options: UpOptions): UpRequest {
  if (typeof options === 'string') return { kind: 'to', names: [options] };
  if (isNameList(options)) return { kind: 'to', names: options };
  if (options === undefined) return { kind: 'head' };
  refuseUnsupported('up', options);
  if (options.from !== undefined) {
    throw new MigratorCallNotSupportedError(
      'orm.migrator.up({ from })',
      'a cgmigrate run starts from the revisions the database is at',
      'leave out `from`: `to` alone applies every revision up to the one named',
    );
  }
  if (options.migrations !== undefined) return { kind: 'to', names: options.migrations };
  if (options.to === undefined || options.to === 0) return { kind: 'head' };
  return { kind: 'to', names: [String(options.to)] };
}

/**
 * Reads the options of `orm.migrator.down()` as MikroORM's migrator does (`migrations`
 * wins over `to`; `to: 0` means all).
 *
 * ### Examples
 * ```ts
 * downRequest(undefined)     // { kind: 'last' }
 * downRequest({ to: 0 })     // { kind: 'base' }
 * downRequest('ae1027')      // { kind: 'revert', names: ['ae1027'] }
 * ```
 * @throws {MigratorCallNotSupportedError} for `from`, `transaction` or `schema`.
 */
export function downRequest(options: DownOptions): DownRequest {
  if (typeof options === 'string') return { kind: 'revert', names: [options] };
  if (isNameList(options)) return { kind: 'revert', names: options };
  if (options === undefined) return { kind: 'last' };
  refuseUnsupported('down', options);
  if ('from' in options && options.from !== undefined) {
    throw new MigratorCallNotSupportedError(
      'orm.migrator.down({ from })',
      'a cgmigrate run starts from the revisions the database is at',
      'leave out `from`: `to` alone reverts every revision above the one named',
    );
  }
  if (options.migrations !== undefined) return { kind: 'revert', names: options.migrations };
  if (options.to === 0) return { kind: 'base' };
  if (options.to === undefined) return { kind: 'last' };
  return { kind: 'to', name: String(options.to) };
}

function isNameList(options: UpOptions | DownOptions): options is readonly string[] {
  return Array.isArray(options);
}

/** The options whose meaning cgmigrate decides elsewhere: its own transactions, its config's schema. */
function refuseUnsupported(method: 'up' | 'down', options: Omit<MigrateOptions, 'from'>): void {
  if (options.transaction !== undefined) {
    throw new MigratorCallNotSupportedError(
      `orm.migrator.${method}({ transaction })`,
      'cgmigrate runs migrations in transactions of its own, on its own connection, under its migration lock',
      'leave out `transaction`; `transactionPerMigration` in cgmigrate.config.ts chooses one transaction per migration or one for the run',
    );
  }
  if (options.schema !== undefined) {
    throw new MigratorCallNotSupportedError(
      `orm.migrator.${method}({ schema })`,
      'the schema of the version table is part of the cgmigrate configuration',
      'set `versionTableSchema` in cgmigrate.config.ts, or run `cgmigrate upgrade head --targets "<url>#<schema>"` for one history in many schemas',
    );
  }
}

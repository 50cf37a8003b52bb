import { readFile } from 'node:fs/promises';

import {
  autogenerateRevision,
  check,
  ConfigInvalidError,
  createEnvironment,
  DatabaseNotUpToDateError,
  describeLockWait,
  MigrationManager,
  MigratorCallNotSupportedError,
  revision as writeRevision,
  type MigrateResult,
  type MigrationEnvironment,
  type MigrationEvent,
  type RevisionSummary,
} from '@cloudguard/migrate-core';
import type {
  IMigrator,
  IMigratorStorage,
  MigrateOptions,
  MigrationInfo,
  MigrationResult,
  MigrationRow,
  MigratorEvent,
  MikroORM,
} from '@mikro-orm/core';

import { AppliedRevisions } from './applied-revisions.js';
import { downRequest, upRequest } from './migrate-requests.js';
import { ormMigrationName, revisionForName } from './migration-names.js';
import { MigratorEvents, type MigratorEventRun, type MigratorListener } from './migrator-events.js';
import { migratorAdapters, resolveMigratorTarget, type CgmigrateMigratorOptions, type OrmMigratorDialect } from './migrator-target.js';
import { runWithServiceOrm } from './service-orm-scope.js';

/** A row of {@link CgmigrateMigrator.getExecuted}: MikroORM's, plus the revision behind it. */
export interface ExecutedMigration extends MigrationRow {
  /** The revision's id (also the `name`, unless it is a MikroORM class file). */
  readonly revision: string;
  /** Its migration file. */
  readonly path?: string;
}

/**
 * MikroORM's `orm.migrator`, run through cgmigrate: every call works on cgmigrate's
 * revision graph, version table, audit table and migration lock, through its programmatic
 * API (`MigrationManager`), on a connection of its own that is closed when the call
 * returns. Registered by the adapters' `cgmigrateMigrator()` extension.
 *
 * What each call does in cgmigrate's terms is in docs/mikro-orm.md; calls with no
 * counterpart (`rollup()`, `createInitial()`, `up({ from })`…) throw
 * `MigratorCallNotSupportedError` (`MIGRATOR_CALL_NOT_SUPPORTED`) before touching anything.
 */
export class CgmigrateMigrator implements IMigrator {
  readonly #orm: MikroORM;
  readonly #dialect: OrmMigratorDialect;
  readonly #options: CgmigrateMigratorOptions;
  readonly #events = new MigratorEvents();
  #warnedOfOtherDatabase = false;

  constructor(orm: MikroORM, dialect: OrmMigratorDialect, options: CgmigrateMigratorOptions = {}) {
    this.#orm = orm;
    this.#dialect = dialect;
    this.#options = options;
    // The lines MikroORM's own migrator logs, so that `mikro-orm migration:up` reads the same.
    if (!orm.config.get('migrations').silent) {
      const log = (text: string) => (event: MigrationInfo) => orm.config.getLogger().log('migrator', `${text} '${event.name}'`, { enabled: true });
      this.on('migrating', log('Processing'));
      this.on('migrated', log('Applied'));
      this.on('reverting', log('Processing'));
      this.on('reverted', log('Reverted'));
    }
  }

  on(event: MigratorEvent, listener: MigratorListener): this {
    this.#events.on(event, listener);
    return this;
  }

  off(event: MigratorEvent, listener: MigratorListener): this {
    this.#events.off(event, listener);
    return this;
  }

  /**
   * Applies migrations under cgmigrate's lock: `up()` is `cgmigrate upgrade head`; a name
   * (`up('ae1027')`, `up({ to })`, `up({ migrations: [...] })`) upgrades to that revision,
   * which applies the revisions below it first. Returns the migrations applied, in order.
   *
   * @throws {MigratorCallNotSupportedError} for `from`, `transaction` or `schema`.
   * @throws {MigrationFailedError} {@link LockTimeoutError} {@link MultipleHeadsError} as `cgmigrate upgrade`.
   */
  async up(options?: string | string[] | MigrateOptions): Promise<MigrationInfo[]> {
    const request = upRequest(options);
    return this.#withManager(async (manager) => {
      if (request.kind === 'head') return migrationsRun(await manager.upgrade('head'));
      const revisions = await scriptRevisions(manager);
      const applied: MigrationInfo[] = [];
      for (const name of request.names) applied.push(...migrationsRun(await manager.upgrade(revisionForName(name, revisions))));
      return applied;
    });
  }

  /**
   * Reverts migrations under cgmigrate's lock: `down()` the last one applied
   * (`cgmigrate downgrade -1` with one head); `down({ to: 0 })` everything; `down({ to })`
   * down to that revision, which stays applied; a name (`down('ae1027')`,
   * `down({ migrations })`) reverts that revision and what is applied on top of it.
   * Returns the migrations reverted, in order.
   *
   * @throws {IrreversibleMigrationError} before any change, when a migration to revert has no `down()`.
   * @throws {MigratorCallNotSupportedError} for `transaction` or `schema`.
   */
  async down(options?: string | string[] | Omit<MigrateOptions, 'from'>): Promise<MigrationInfo[]> {
    const request = downRequest(options);
    return this.#withManager(async (manager) => {
      if (request.kind === 'base') return migrationsRun(await manager.downgrade('base'));
      if (request.kind === 'to') return migrationsRun(await manager.downgrade(revisionForName(request.name, await scriptRevisions(manager))));
      let applied = await readApplied(manager);
      if (request.kind === 'last') {
        if (applied.current.length === 0) return [];
        if (applied.current.length === 1) return migrationsRun(await manager.downgrade('-1'));
        // Several branches: the head applied last, alone, as MikroORM reverts its last row.
        const last = applied.executed().findLast(({ revision }) => applied.current.includes(revision.id))!;
        return migrationsRun(await manager.downgrade(applied.revertTarget(last.revision.id)));
      }
      const order = new Map(applied.executed().map(({ revision }, index) => [revision.id, index]));
      const named = new Set(request.names.map((name) => revisionForName(name, applied.revisions)));
      // Newest first, as MikroORM reverts; one reverted along with a revision below it is skipped.
      const ids = [...named].filter((id) => order.has(id)).sort((a, b) => order.get(b)! - order.get(a)!);
      const reverted: MigrationInfo[] = [];
      for (const id of ids) {
        if (!applied.has(id)) continue;
        reverted.push(...migrationsRun(await manager.downgrade(applied.revertTarget(id))));
        applied = await readApplied(manager);
      }
      return reverted;
    });
  }

  /**
   * The applied migrations, in the order they were applied (from the audit table's
   * times; see {@link AppliedRevisions.executed}), numbered from 1. A revision is applied
   * when the version table holds it or a revision built on it, as cgmigrate counts.
   */
  async getExecuted(options?: { schema?: string }): Promise<ExecutedMigration[]> {
    refuseSchema('getExecuted', options);
    return this.#withManager(async (manager) =>
      (await readApplied(manager)).executed().map(({ revision, executedAt }, index) => ({
        id: index + 1,
        name: ormMigrationName(revision),
        executed_at: executedAt,
        revision: revision.id,
        ...(revision.path === undefined ? {} : { path: revision.path }),
      })),
    );
  }

  /** The migrations `up()` would apply, in the order `cgmigrate upgrade heads` runs them. */
  async getPending(options?: { schema?: string }): Promise<MigrationInfo[]> {
    refuseSchema('getPending', options);
    return this.#withManager(async (manager) => {
      const pending = await manager.pendingRevisions();
      const revisions = await scriptRevisions(manager);
      const byId = new Map(revisions.map((revision) => [revision.id, revision]));
      return pending.map((id) => migrationInfo(byId.get(id) ?? { id, message: undefined, path: undefined }));
    });
  }

  /**
   * Whether the entities differ from the database, as `cgmigrate check` finds schema drift:
   * the entities of cgmigrate.config.ts, or else the ORM's own.
   *
   * @throws {DatabaseNotUpToDateError} (`DB_NOT_UP_TO_DATE`) when revisions are pending: the database is not where the entities should be compared with it.
   */
  async checkSchema(): Promise<boolean> {
    return this.#withEntities(async (env) => {
      const result = await check(env);
      if (result.pending.length > 0) throw new DatabaseNotUpToDateError(result.current, result.heads);
      return (result.drift?.length ?? 0) > 0;
    });
  }

  /**
   * Writes a new revision into cgmigrate's `versions/` folder, after the head:
   * `cgmigrate revision --autogenerate --format mikro-orm -m <name>` (the entities of
   * cgmigrate.config.ts, or else the ORM's own, compared with the database), or with
   * `blank` MikroORM's blank migration. The file is a MikroORM `Migration` class named as
   * MikroORM names its files (`Migration<timestamp>`, `_<name>` when a name is given), or
   * cgmigrate's own format with the option `revisionFormat: 'cgmigrate'`. When nothing differs, nothing is written and `diff.up` is
   * empty. `diff` holds the changes found, one line each ("Detected added column …"), not SQL.
   *
   * @throws {MigratorCallNotSupportedError} for a `path` (cgmigrate writes into its script location) or `initial`.
   * @throws {DatabaseNotUpToDateError} when revisions are pending (autogenerate compares the database at its head).
   */
  async create(path?: string, blank?: boolean, initial?: boolean, name?: string): Promise<MigrationResult> {
    if (initial) throw createInitialNotSupported('orm.migrator.create(path, blank, true)');
    if (path !== undefined) {
      throw new MigratorCallNotSupportedError(
        'orm.migrator.create(path)',
        'cgmigrate writes new revisions into the versions/ folder of its script location',
        'leave out the path (`mikro-orm migration:create` without --path), or set `scriptLocation` in cgmigrate.config.ts',
      );
    }
    const format = this.#options.revisionFormat ?? 'mikro-orm';
    // MikroORM's format names the class (and so the message) itself when no name is given.
    const message = name ?? (format === 'cgmigrate' ? defaultMigrationName(new Date()) : undefined);
    if (blank) {
      return this.#withEntities(async (env) => {
        const written = await writeRevision(env, { message, format });
        return { fileName: written.path, code: await readFile(written.path, 'utf8'), diff: { up: [], down: [] } };
      }, false);
    }
    return this.#withEntities(async (env) => {
      const result = await autogenerateRevision(env, { message, format });
      if (!result.written) return { fileName: '', code: '', diff: { up: [], down: [] } };
      return {
        fileName: result.revisions.map((written) => written.path).join(', '),
        code: await readFile(result.path, 'utf8'),
        diff: { up: result.messages.length > 0 ? [...result.messages] : [...result.notes], down: [] },
      };
    });
  }

  /** @throws {MigratorCallNotSupportedError} always: see docs/mikro-orm.md for the way to adopt an existing schema. */
  async createInitial(): Promise<MigrationResult> {
    throw createInitialNotSupported('orm.migrator.createInitial()');
  }

  /** @throws {MigratorCallNotSupportedError} always: cgmigrate's graph has merges, and applied revisions are recorded by id. */
  async rollup(): Promise<MigrationResult> {
    throw new MigratorCallNotSupportedError(
      'orm.migrator.rollup()',
      "cgmigrate's revisions form a graph with branches and merges, recorded by id, so applied files cannot be combined into one",
      'keep the revisions as they are',
    );
  }

  /**
   * Records a revision as applied without running it, as `cgmigrate stamp` does, when
   * everything it revises or depends on is applied already (a stamp would record those
   * too otherwise: the error names the `cgmigrate stamp` that does). Nothing happens for an
   * applied revision.
   *
   * @throws {MigratorCallNotSupportedError} when revisions below it are not applied.
   */
  async logMigration(name: string): Promise<void> {
    await this.#withManager(async (manager) => {
      const applied = await readApplied(manager);
      const id = revisionForName(name, applied.revisions);
      if (applied.has(id)) return;
      const missing = applied.missingBasis(id);
      if (missing.length > 0) {
        throw new MigratorCallNotSupportedError(
          `orm.migrator.logMigration('${name}')`,
          `${id} stands on ${missing.join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not applied, and cgmigrate records a revision only with everything below it`,
          `log ${missing.join(', ')} first, or run \`cgmigrate stamp ${id}\` to record ${id} and every revision below it as applied`,
        );
      }
      await manager.stamp(id);
    });
  }

  /**
   * Removes an applied revision from the version table without running its `down()`,
   * as `cgmigrate stamp` to its parents does, when no applied revision builds on it.
   * Nothing happens for a revision that is not applied.
   *
   * @throws {MigratorCallNotSupportedError} when applied revisions build on it, or when a
   *   stamp would move other branches too (the error names the `cgmigrate stamp --purge` that does the job).
   */
  async unlogMigration(name: string): Promise<void> {
    await this.#withManager(async (manager) => {
      const applied = await readApplied(manager);
      const id = revisionForName(name, applied.revisions);
      if (!applied.has(id)) return;
      const plan = applied.unlogPlan(id);
      const call = `orm.migrator.unlogMigration('${name}')`;
      if (plan.kind === 'built-on') {
        throw new MigratorCallNotSupportedError(
          call,
          `applied revisions build on ${id} (${plan.by.join(', ')}), and cgmigrate records a revision as applied when one above it is`,
          `unlog ${plan.by.join(', ')} first`,
        );
      }
      if (plan.kind === 'purge') {
        const target = plan.heads.length === 0 ? 'base' : plan.heads.join(' ');
        throw new MigratorCallNotSupportedError(
          call,
          `a stamp of ${id}'s parent would also move the other branches standing on it`,
          `run \`cgmigrate stamp --purge ${target}\`, which writes exactly those version rows`,
        );
      }
      await manager.stamp(plan.revisions);
    });
  }

  /** @throws {MigratorCallNotSupportedError} always: cgmigrate's version and audit tables are not MikroORM's storage. */
  getStorage(): IMigratorStorage {
    throw new MigratorCallNotSupportedError(
      'orm.migrator.getStorage()',
      "cgmigrate keeps its own version and audit tables, which are not a MikroORM migration storage",
      'call getExecuted(), getPending(), logMigration() or unlogMigration()',
    );
  }

  /**
   * One call: a manager of its own, closed when it returns, with the events bridged. The
   * MikroORM migration classes it runs are built on this ORM (see {@link runWithServiceOrm}):
   * their `getEntityManager()` never discovers the service's entities on another instance.
   */
  async #withManager<T>(work: (manager: MigrationManager) => Promise<T>): Promise<T> {
    const target = await resolveMigratorTarget(this.#orm, this.#dialect, this.#options);
    this.#warnOfOtherDatabase(target.otherDatabase);
    const events = this.#events.run();
    const manager = new MigrationManager({ ...target.api, onEvent: this.#listener(events, target.api.onEvent) });
    try {
      const result = await runWithServiceOrm(this.#orm, () => work(manager));
      await events.settled();
      return result;
    } finally {
      await manager.close();
    }
  }

  /** One call that compares entities: cgmigrate's own commands on an environment whose `entities` fall back to the ORM's. */
  async #withEntities<T>(work: (env: MigrationEnvironment) => Promise<T>, needsEntities = true): Promise<T> {
    let target = await resolveMigratorTarget(this.#orm, this.#dialect, this.#options);
    if (needsEntities && target.config.entities.length === 0) {
      target = await resolveMigratorTarget(this.#orm, this.#dialect, { ...this.#options, url: target.api.url }, { entities: ormEntities(this.#orm) });
    }
    this.#warnOfOtherDatabase(target.otherDatabase);
    const env = createEnvironment(target.config, { adapters: migratorAdapters(target.config), onEvent: this.#listener(undefined, target.api.onEvent) });
    return work(env);
  }

  #listener(events: MigratorEventRun | undefined, alsoTo: ((event: MigrationEvent) => void) | undefined): (event: MigrationEvent) => void {
    const logger = this.#orm.config.getLogger();
    return (event) => {
      events?.onEvent(event);
      if (event.type === 'warning') logger.warn('migrator', event.message, { enabled: true });
      if (event.type === 'lock-wait') logger.log('migrator', describeLockWait(event), { enabled: true });
      alsoTo?.(event);
    };
  }

  #warnOfOtherDatabase(other: { readonly migrated: string; readonly orm: string } | undefined): void {
    if (other === undefined || this.#warnedOfOtherDatabase) return;
    this.#warnedOfOtherDatabase = true;
    this.#orm.config
      .getLogger()
      .warn('migrator', `cgmigrate migrates ${other.migrated}, while this ORM connects to ${other.orm}`, { enabled: true });
  }
}

/** The migrations a cgmigrate run applied or reverted, as MikroORM lists them (stamps run none). */
function migrationsRun({ steps }: MigrateResult): MigrationInfo[] {
  return steps.filter((step) => step.direction !== 'stamp').map((step) => migrationInfo({ id: step.revision, message: step.message, path: step.path }));
}

/** The revisions the scripts define; reads no database. */
async function scriptRevisions(manager: MigrationManager): Promise<readonly RevisionSummary[]> {
  return (await manager.history({ withAudit: false, indicateCurrent: false })).revisions;
}

async function readApplied(manager: MigrationManager): Promise<AppliedRevisions> {
  const { revisions, current } = await manager.history({ withAudit: true, indicateCurrent: true });
  return new AppliedRevisions(revisions, current);
}

function migrationInfo(revision: Pick<RevisionSummary, 'id' | 'message' | 'path'>): MigrationInfo {
  const info: MigrationInfo = { name: ormMigrationName(revision) };
  if (revision.path !== undefined) info.path = revision.path;
  return info;
}

function refuseSchema(method: string, options: { schema?: string } | undefined): void {
  if (options?.schema === undefined) return;
  throw new MigratorCallNotSupportedError(
    `orm.migrator.${method}({ schema })`,
    'the schema of the version table is part of the cgmigrate configuration',
    'set `versionTableSchema` in cgmigrate.config.ts',
  );
}

function createInitialNotSupported(call: string): MigratorCallNotSupportedError {
  return new MigratorCallNotSupportedError(
    call,
    'cgmigrate does not write an initial migration that marks itself applied when the tables exist',
    'for an empty database, create the first revision with `mikro-orm migration:create` (or `cgmigrate revision --autogenerate -m "…"`); for a database that has the schema already, write it the same way against an empty database, then record it with `cgmigrate stamp head`',
  );
}

/** MikroORM's default name for a new migration: `Migration` and the UTC time, `Migration20250301120000`. */
function defaultMigrationName(now: Date): string {
  return `Migration${now.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
}

/**
 * The entity definitions of the ORM's configuration, for a cgmigrate configuration
 * without `entities`.
 *
 * @throws {ConfigInvalidError} when the ORM discovers its entities from folders (paths), which cgmigrate does not read.
 */
function ormEntities(orm: MikroORM): readonly unknown[] {
  const entities: readonly unknown[] = orm.config.get('entities');
  if (entities.length > 0 && entities.every((entity) => typeof entity !== 'string')) return entities;
  throw new ConfigInvalidError(
    undefined,
    'entities: cgmigrate compares the entities of cgmigrate.config.ts, or else the entity classes of the MikroORM config, ' +
      'and this MikroORM config lists none (it finds them in folders, or has none); list them in cgmigrate.config.ts as `entities`',
    { key: 'entities' },
  );
}

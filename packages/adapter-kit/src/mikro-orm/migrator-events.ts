import type { MigrationEvent } from '@cloudguard/migrate-core';
import type { MaybePromise, MigrationInfo, MigratorEvent } from '@mikro-orm/core';

import { ormMigrationName } from './migration-names.js';

/** A listener of `orm.migrator.on(event, listener)`. */
export type MigratorListener = (event: MigrationInfo) => MaybePromise<void>;

/**
 * The listeners of MikroORM's migrator events (`migrating`, `migrated`, `reverting`,
 * `reverted`), fed from cgmigrate's step events.
 *
 * cgmigrate reports a step as it runs, inside its lock and transaction, and does not wait
 * for whoever listens: a listener is called at once, and what it returns is awaited when
 * the call (`up()`, `down()`) returns, where a rejection, or a listener that threw,
 * rejects the call. MikroORM's own migrator awaits each listener before going on.
 *
 * ### Examples
 * ```ts
 * const events = new MigratorEvents();
 * events.on('migrated', ({ name }) => log.info(`applied ${name}`));
 * const run = events.run();
 * await manager.upgrade('head'); // with onEvent: run.onEvent
 * await run.settled();
 * ```
 */
export class MigratorEvents {
  readonly #listeners = new Map<MigratorEvent, Set<MigratorListener>>();

  on(event: MigratorEvent, listener: MigratorListener): void {
    const listeners = this.#listeners.get(event) ?? new Set<MigratorListener>();
    listeners.add(listener);
    this.#listeners.set(event, listeners);
  }

  off(event: MigratorEvent, listener: MigratorListener): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** The listener of one cgmigrate call's events, and what its listeners left to await. */
  run(): MigratorEventRun {
    const pending: Promise<void>[] = [];
    const failures: unknown[] = [];
    // Handled at once: a rejection left for `settled()` would reach the process's unhandledRejection first.
    const keep = (result: Promise<unknown>) => pending.push(result.then(() => undefined, (error: unknown) => void failures.push(error)));
    const emit = (name: MigratorEvent, info: MigrationInfo) => {
      for (const listener of this.#listeners.get(name) ?? []) {
        try {
          keep(Promise.resolve(listener(info)));
        } catch (error) {
          // Thrown into cgmigrate's runner, it would fail the migration it reports on.
          failures.push(error);
        }
      }
    };
    return {
      onEvent(event) {
        if (event.type !== 'step-start' && event.type !== 'step-end') return;
        const { step } = event;
        if (step.direction === 'stamp') return;
        const info: MigrationInfo = { name: ormMigrationName({ id: step.revision, message: step.message, path: step.path }) };
        if (step.path !== undefined) info.path = step.path;
        const upgrade = step.direction === 'upgrade';
        emit(event.type === 'step-start' ? (upgrade ? 'migrating' : 'reverting') : upgrade ? 'migrated' : 'reverted', info);
      },
      async settled() {
        await Promise.all(pending);
        if (failures.length > 0) throw failures[0];
      },
    };
  }
}

/** The events of one cgmigrate call. */
export interface MigratorEventRun {
  /** cgmigrate's listener (`onEvent`): calls the migrator's listeners for each step. */
  onEvent(event: MigrationEvent): void;
  /** Waits for what the listeners returned; rejects with the first failure. */
  settled(): Promise<void>;
}

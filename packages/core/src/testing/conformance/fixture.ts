import { afterEach, beforeEach, it } from 'vitest';

import type { AdapterConnection, ConnectOptions, DialectAdapter } from '../../adapter/dialect-adapter.js';
import {
  DEFAULT_CONFORMANCE_SQL,
  type AdapterConformanceOptions,
  type ConformanceCheckId,
  type ConformanceDatabase,
  type ConformanceGroup,
  type ConformanceSql,
} from './options.js';

interface CheckState {
  readonly adapter: DialectAdapter;
  readonly database: ConformanceDatabase;
  readonly cleanups: (() => Promise<unknown> | unknown)[];
}

/**
 * What every check shares: the adapter and database of the running check, connections
 * that close themselves afterwards, and `check()`, which defines a test or skips it
 * with its reason.
 */
export class ConformanceFixture {
  readonly options: AdapterConformanceOptions;
  /** The SQL snippets, or `undefined` when the adapter runs no SQL. */
  readonly sql: ConformanceSql | undefined;
  /** The adapter's capabilities, read once when the suite is defined. */
  readonly capabilities: DialectAdapter['capabilities'];
  /** How long a waiter may wait in the lock checks. */
  readonly lockWaitMs: number;
  #state: CheckState | undefined;

  constructor(options: AdapterConformanceOptions) {
    this.options = options;
    this.sql = options.sql === false ? undefined : { ...DEFAULT_CONFORMANCE_SQL, ...options.sql };
    this.capabilities = options.adapter().capabilities;
    this.lockWaitMs = options.lockWaitMs ?? 10_000;
  }

  /** Registers the hooks that give each check a fresh adapter and database, and clean up after it. */
  install(): void {
    beforeEach(async () => {
      const adapter = this.options.adapter();
      const database = await this.options.database();
      this.#state = { adapter, database, cleanups: [() => database.drop()] };
    });
    afterEach(async () => {
      const state = this.#state;
      this.#state = undefined;
      if (!state) return;
      const failures: unknown[] = [];
      for (const cleanup of state.cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) throw new AggregateError(failures, 'cleanup after a conformance check failed');
    });
  }

  /**
   * Defines one check. It is skipped, with the reason in its title, when the options
   * skip it or its group, or when `unmet` names a missing precondition.
   */
  check(id: ConformanceCheckId, title: string, body: () => Promise<void>, unmet?: string | false): void {
    const group = id.slice(0, id.indexOf('.')) as ConformanceGroup;
    const reason = this.options.skip?.[id] ?? this.options.skip?.[group] ?? (unmet || undefined);
    if (reason !== undefined) it.skip(`${title} [${id}] (skipped: ${reason})`, body);
    else it(`${title} [${id}]`, body);
  }

  /**
   * A statement that always fails. Sent even when the adapter runs no SQL
   * (`sql: false`): such an adapter must reject it as a database would.
   */
  get failingStatement(): string {
    return this.sql?.failingStatement ?? DEFAULT_CONFORMANCE_SQL.failingStatement;
  }

  /** The reason a check that needs a SQL engine cannot run, or `false`. */
  get needsSql(): string | false {
    return this.sql ? false : 'the adapter runs no SQL (sql: false)';
  }

  get adapter(): DialectAdapter {
    return this.#current().adapter;
  }

  get database(): ConformanceDatabase {
    return this.#current().database;
  }

  /** What core would pass to `connect` for the check's database. */
  connectOptions(overrides: Partial<ConnectOptions> = {}): ConnectOptions {
    const { url, cwd } = this.database;
    return { url, cwd, versionTable: { name: 'alembic_version' }, purpose: 'migrate', ...overrides };
  }

  /** Connects to the check's database; the connection is closed after the check. */
  async connect(overrides: Partial<ConnectOptions> = {}): Promise<AdapterConnection> {
    const connection = await this.adapter.connect(this.connectOptions(overrides));
    this.onCleanup(() => connection.close());
    return connection;
  }

  /** Runs `cleanup` after the check, before the database is dropped (last registered, first run). */
  onCleanup(cleanup: () => Promise<unknown> | unknown): void {
    this.#current().cleanups.push(cleanup);
  }

  #current(): CheckState {
    if (!this.#state) throw new Error('the conformance fixture is only available inside a check');
    return this.#state;
  }
}

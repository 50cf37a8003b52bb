import type { AdapterConnection, ConnectOptions, DialectAdapter } from '../adapter/dialect-adapter.js';

/**
 * Lends one `migrate` connection to every command of a {@link MigrationManager}: the
 * adapter it hands out opens the connection on first use and returns it (with a
 * `close()` that does nothing) to every later command. A command that only reads
 * (`purpose: 'inspect'`) borrows the `migrate` connection when one is open, and
 * otherwise gets a light connection of its own, closed after it as usual. Only
 * {@link SharedConnection.close} closes the shared one.
 *
 * Both wrappers are proxies that change one member each, so whatever else the adapter
 * contract offers passes through untouched.
 */
export class SharedConnection {
  readonly #resolve: () => Promise<DialectAdapter>;
  #inner: Promise<DialectAdapter> | undefined;
  #migrate: Promise<AdapterConnection> | undefined;

  /** `resolve` finds the real adapter; it is called when a command first needs the database. */
  constructor(resolve: () => Promise<DialectAdapter>) {
    this.#resolve = resolve;
  }

  /** The adapter commands should use: the real one, with `connect` sharing the connection. */
  async adapter(): Promise<DialectAdapter> {
    if (this.#inner === undefined) {
      const resolving = this.#resolve();
      this.#inner = resolving;
      resolving.catch(() => {
        if (this.#inner === resolving) this.#inner = undefined;
      });
    }
    const inner = await this.#inner;
    return overriding(inner, 'connect', (options: ConnectOptions) => this.#connect(inner, options));
  }

  /** Closes the shared connection, if one is open. Safe to call more than once. */
  async close(): Promise<void> {
    const open = this.#migrate;
    this.#migrate = undefined;
    if (open === undefined) return;
    let connection: AdapterConnection;
    try {
      connection = await open;
    } catch {
      return; // it never opened
    }
    await connection.close();
  }

  async #connect(inner: DialectAdapter, options: ConnectOptions): Promise<AdapterConnection> {
    if (options.purpose === 'inspect' && this.#migrate === undefined) return inner.connect(options);
    if (this.#migrate === undefined) {
      const opening = inner.connect({ ...options, purpose: 'migrate' });
      this.#migrate = opening;
      // A connection that failed to open is not kept: the next command tries again.
      opening.catch(() => {
        if (this.#migrate === opening) this.#migrate = undefined;
      });
    }
    const connection = await this.#migrate;
    return overriding(connection, 'close', async () => {});
  }
}

/** `target` with one member replaced; methods keep `target` as `this` (its private fields need it). */
function overriding<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): T {
  return new Proxy(target, {
    get(object, property) {
      if (property === key) return value;
      const member: unknown = Reflect.get(object, property, object);
      return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(object) : member;
    },
  });
}

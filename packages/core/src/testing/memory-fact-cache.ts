import type { StatementFactCache, StatementFactReader } from '../adapter/statement-fact-cache.js';

/**
 * A {@link StatementFactCache} in memory, for testing a statement linter with the cache:
 * each statement's facts are kept as JSON, as the cache file keeps them, and every later
 * look-up gives them back through the reader's `restore`, as a later run would get them.
 * It counts what it parsed and what it gave back, so that a test can check that a second
 * lint of the same statements parsed nothing and found the same.
 *
 * ### Examples
 * ```ts
 * const cache = new MemoryFactCache();
 * const linter = await adapter.statementLinter!({ url, cwd, factCache: cache });
 * const cold = linter.lint(statements, {});
 * const warm = linter.lint(statements, {});
 * // warm equals cold, and cache.parsed did not grow on the second lint
 * ```
 */
export class MemoryFactCache implements StatementFactCache {
  readonly #entries = new Map<string, string>();
  #parsed = 0;
  #kept = 0;

  /** How many statements were parsed (their `read` called) since the cache was made. */
  get parsed(): number {
    return this.#parsed;
  }

  /** How many look-ups were answered from the cache. */
  get kept(): number {
    return this.#kept;
  }

  facts<Facts>(reader: StatementFactReader<Facts>, text: string, read: () => Facts): Facts {
    const key = JSON.stringify([reader.dialect, reader.version, text]);
    const stored = this.#entries.get(key);
    const restored = stored === undefined ? undefined : reader.restore(JSON.parse(stored));
    if (restored !== undefined) {
      this.#kept++;
      return restored;
    }
    const facts = read();
    this.#parsed++;
    const json = JSON.stringify(facts) as string | undefined;
    if (json !== undefined) this.#entries.set(key, json);
    return facts;
  }
}

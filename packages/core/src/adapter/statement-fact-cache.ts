/**
 * What a `StatementLinter` may keep of a statement between runs: the facts its
 * parser read of the statement's text, so that a statement read once (by any command, on
 * any database) is not parsed again. Only the reading is kept: the rules, which depend on
 * what came before the statement and on the settings, run on the facts every time, so
 * findings are the same with the cache cold, warm or off (`CGMIGRATE_NO_CACHE`).
 *
 * Core hands a linter a {@link StatementFactCache} through `StatementLinterOptions.factCache`
 * when it has one; the linter describes its facts with a {@link StatementFactReader}.
 *
 * @packageDocumentation
 */

/**
 * One kind of facts a linter reads of a statement, and how they come back from the cache.
 *
 * ### Examples
 * ```ts
 * const reader: StatementFactReader<readonly Fact[]> = {
 *   dialect: 'sqlite',
 *   version: `${FACTS_VERSION} node-sql-parser ${NODE_SQL_PARSER_VERSION}`,
 *   restore: (value) => (Array.isArray(value) && value.every(isFact) ? value.map(copyOfFact) : undefined),
 * };
 * const facts = options.factCache?.facts(reader, text, () => parse(text)) ?? parse(text);
 * ```
 */
export interface StatementFactReader<Facts> {
  /** The dialect whose statements it reads (`sqlite`): part of every entry's key. */
  readonly dialect: string;
  /**
   * What the facts of a text depend on besides the text: the version of their shape and
   * of the code that reads them, and the parser's version. Part of every entry's key, so
   * an entry another version wrote is never found; change it whenever the same text could
   * read into other facts.
   */
  readonly version: string;
  /**
   * The facts a value read back from the cache file stands for (a JSON value), rebuilt
   * field by field as the reader builds them, or `undefined` when it is not of their
   * shape: the file is private to the user, but its contents are still checked, never
   * trusted.
   */
  restore(value: unknown): Facts | undefined;
}

/**
 * A store of statement facts, keyed by the SHA-256 of the reader's dialect and version
 * and the statement's text. What it holds never decides what SQL runs; the worst a
 * planted entry could do is hide a finding, which is why it is kept only where no other
 * user can write (see `docs/security.md`).
 */
export interface StatementFactCache {
  /**
   * The facts `reader` makes of `text`: those kept from a run that read the same text with
   * the same reader, else `read()`'s, kept for the next run. `read` must be a pure
   * function of `text` (and of the reader's version), whose result survives
   * `JSON.stringify` and `reader.restore` unchanged. Throws only what `read` throws.
   */
  facts<Facts>(reader: StatementFactReader<Facts>, text: string, read: () => Facts): Facts;
}

import { redactSecrets } from '@cloudguard/migrate-core';

/** `scheme://user:password@` anywhere in a text, for URLs nobody told us about. */
const CREDENTIALS_ANYWHERE = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/g;
/** A token that is, or ends with, a URL carrying credentials (`--url=postgresql://u:p@h/db`). */
const URL_WITH_CREDENTIALS = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@]*:[^\s/?#@]*@\S*/;

/**
 * Hides database passwords in whatever the CLI prints. It knows the URLs that may
 * carry one (the configured URL, `--url`, `DATABASE_URL`, URLs on the command line)
 * and replaces their passwords anywhere in a text, since drivers echo connection
 * strings and their parts in their errors.
 *
 * ### Examples
 * ```ts
 * const redactor = new Redactor(['postgresql://app:s3cret@db/cloudguard']);
 * redactor.text('auth failed for app:s3cret') // 'auth failed for app:***'
 * ```
 */
export class Redactor {
  readonly #urls = new Set<string>();

  constructor(urls: Iterable<string | undefined> = []) {
    this.add(...urls);
  }

  /** URLs found in command-line arguments, in `--flag=value` form too. */
  static urlsInArgv(argv: readonly string[]): string[] {
    return argv.flatMap((token) => URL_WITH_CREDENTIALS.exec(token)?.[0] ?? []);
  }

  /** Adds URLs whose passwords must be hidden. */
  add(...urls: readonly (string | undefined)[]): this {
    for (const url of urls) if (url) this.#urls.add(url);
    return this;
  }

  /** A text with every known password, and any `scheme://user:password@`, masked. */
  text(text: string): string {
    const known = redactSecrets(text, [...this.#urls]);
    // Without a `://` the pattern cannot match: no scan of a long output (history of 10,000 revisions).
    return known.includes('://') ? known.replace(CREDENTIALS_ANYWHERE, '$1:***@') : known;
  }

  /** A JSON-safe value with every string in it redacted. */
  value<T>(value: T): T {
    return this.#walk(value, new Set()) as T;
  }

  /**
   * `ancestors` holds the objects on the path from the root only: the same array may
   * appear twice in a result (check's `pending`, in the result and in its problem), and
   * only a true cycle becomes `[Circular]`.
   */
  #walk(value: unknown, ancestors: Set<object>): unknown {
    if (typeof value === 'string') return this.text(value);
    if (typeof value !== 'object' || value === null) return value;
    if (ancestors.has(value)) return '[Circular]';
    ancestors.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => this.#walk(item, ancestors));
      const source = value as { toJSON?: () => unknown };
      if (typeof source.toJSON === 'function' && !(value instanceof Error)) return this.#walk(source.toJSON(), ancestors);
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.#walk(item, ancestors)]));
    } finally {
      ancestors.delete(value);
    }
  }
}

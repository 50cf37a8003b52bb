import { redactSecrets, redactUrl } from '@cloudguard/migrate-core';

/**
 * Hides database credentials in whatever the CLI prints. It knows the URLs that may
 * carry one (the configured URL, `--url`, `DATABASE_URL`, URLs and connection strings on
 * the command line) and replaces their secrets anywhere in a text, in every spelling
 * (as written, percent-decoded, re-encoded), since drivers echo connection strings and
 * their parts in their errors; the credentials of any other URL in a text are masked
 * too. What counts as a credential is decided in core (`redactUrl`, `redactSecrets`).
 *
 * ### Examples
 * ```ts
 * const redactor = new Redactor(['postgresql://app@db/cloudguard?password=s3cr%40t']);
 * redactor.text('auth failed for app: s3cr@t') // 'auth failed for app: ***'
 * ```
 */
export class Redactor {
  readonly #urls = new Set<string>();

  constructor(urls: Iterable<string | undefined> = []) {
    this.add(...urls);
  }

  /**
   * The command-line arguments that carry a credential: a URL with a password or a
   * credential parameter, or a libpq connection string with one, as a token of its own
   * or as the value of `--flag=value`.
   */
  static urlsInArgv(argv: readonly string[]): string[] {
    return argv.flatMap((token) => {
      const candidate = /^--?[A-Za-z][\w-]*=(.*)$/s.exec(token)?.[1] ?? token;
      // Whatever redactUrl would change carries a credential.
      return redactUrl(candidate) === candidate ? [] : [candidate];
    });
  }

  /** Adds URLs whose passwords must be hidden. */
  add(...urls: readonly (string | undefined)[]): this {
    for (const url of urls) if (url) this.#urls.add(url);
    return this;
  }

  /** A text with every known credential, and those of any URL written in it, masked. */
  text(text: string): string {
    return redactSecrets(text, [...this.#urls]);
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

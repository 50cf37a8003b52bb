import { InvalidUrlError } from '../errors.js';

/**
 * The dialect part of a database URL: `postgresql+psycopg2://…` → `postgresql`, as
 * SQLAlchemy's `dialect+driver` form, so Alembic users' URLs keep working.
 *
 * @throws {InvalidUrlError} when the URL has no `scheme:` prefix.
 */
export function urlScheme(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  if (!match?.[1]) throw new InvalidUrlError(redactUrl(url), 'it does not start with a scheme such as sqlite:// or postgresql://');
  return match[1].split('+')[0]!.toLowerCase();
}

const CREDENTIALS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*)@/;

/**
 * Removes the password from a database URL so it can be shown.
 *
 * ### Examples
 * ```ts
 * redactUrl('postgresql://app:s3cret@db/cloudguard') // 'postgresql://app:***@db/cloudguard'
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(CREDENTIALS, (_whole, scheme: string, credentials: string) => {
    const colon = credentials.indexOf(':');
    return colon === -1 ? `${scheme}${credentials}@` : `${scheme}${credentials.slice(0, colon)}:***@`;
  });
}

/** The password a URL carries, decoded and raw, or nothing. */
export function urlSecrets(url: string): string[] {
  const credentials = CREDENTIALS.exec(url)?.[2];
  const colon = credentials?.indexOf(':') ?? -1;
  if (!credentials || colon === -1) return [];
  const raw = credentials.slice(colon + 1);
  if (raw.length === 0) return [];
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // a malformed escape: the raw form is all there is to hide
  }
  return decoded === raw ? [raw] : [raw, decoded];
}

/**
 * Replaces, anywhere in `text`, the passwords carried by `urls` with `***`. For
 * messages that may echo a connection string (driver errors often do).
 *
 * ### Examples
 * ```ts
 * redactSecrets('connect failed for app:s3cret@db', ['postgresql://app:s3cret@db/x']) // 'connect failed for app:***@db'
 * ```
 */
export function redactSecrets(text: string, urls: readonly string[]): string {
  let result = text;
  for (const url of urls) {
    result = result.split(url).join(redactUrl(url));
    for (const secret of urlSecrets(url)) result = result.split(secret).join('***');
  }
  return result;
}

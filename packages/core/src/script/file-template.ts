import { ConfigInvalidError } from '../errors.js';

/** Values a `fileTemplate` can use, as Alembic's `file_template` tokens. */
export interface FileNameTokens {
  readonly rev: string;
  readonly slug: string;
  readonly date: Date;
}

/**
 * Turns a message into a file-name slug as Alembic does: word characters joined by
 * `_`, lower case, cut at a word boundary when longer than `maxLength`.
 */
export function slugify(message: string, maxLength = 40): string {
  const slug = (message.match(/[\p{L}\p{N}_]+/gu) ?? []).join('_').toLowerCase();
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength);
  const boundary = cut.lastIndexOf('_');
  return `${boundary > 0 ? cut.slice(0, boundary) : cut}_`;
}

const TOKEN = /%(?:\((\w+)\)([-0 #+]*)(\d*)(?:\.(\d+))?([sdi])|(%))/g;

/**
 * Formats a file name with Python's `%(name)s` / `%(name)d` / `%(name).2d` syntax, the
 * same `fileTemplate` an Alembic project already has. Dates are UTC.
 *
 * ### Examples
 * ```ts
 * formatFileName('%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s',
 *   { rev: '000001', slug: 'initial_schema', date: new Date('2024-11-16T00:00:00Z') })
 * // '20241116_000001_initial_schema'
 * ```
 * @throws {ConfigInvalidError} for a token that does not exist.
 */
export function formatFileName(template: string, tokens: FileNameTokens): string {
  const d = tokens.date;
  const values: Record<string, string | number> = {
    rev: tokens.rev,
    slug: tokens.slug,
    epoch: Math.floor(d.getTime() / 1000),
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
  return template.replace(
    TOKEN,
    (_m, name: string | undefined, flags: string, width: string, precision: string | undefined, kind: string, percent: string | undefined) => {
      if (percent) return '%';
      if (!name || !(name in values)) {
        throw new ConfigInvalidError(undefined, `fileTemplate uses an unknown token '%(${name})' (known: ${Object.keys(values).join(', ')})`);
      }
      const value = values[name]!;
      let text = kind === 's' ? String(value) : String(Math.trunc(Number(value)));
      if (kind !== 's' && precision) text = text.padStart(Number(precision), '0');
      if (width) text = flags.includes('-') ? text.padEnd(Number(width)) : text.padStart(Number(width), flags.includes('0') ? '0' : ' ');
      return text;
    },
  );
}

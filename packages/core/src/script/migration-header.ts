/**
 * Reads a migration file's identity (revision, parents, labels, dependencies,
 * message) from its source text without importing it, so that commands such as
 * `history` and `current` cost one file read per revision rather than one module
 * evaluation.
 *
 * Only literal values are understood: string literals, `null`, and arrays of string
 * literals, written as properties of the default-exported object. Anything else
 * yields `undefined` for that field and the caller falls back to importing the
 * module. The runner checks the imported module against the header, so a header
 * that lies is caught before it runs.
 *
 * A file without such an object may be a migration class (MikroORM's form), whose
 * header is its static members: see {@link readClassHeader}, which never falls back to
 * importing.
 */

import { readClassHeader } from './migration-class-header.js';
import { HEADER_FIELDS, type MigrationHeader } from './revision-header.js';
import { readLiteral, Scanner, stripComments, UNREADABLE, type Literal } from './source-literals.js';
import { readTemplateShapedHeader } from './template-shaped-header.js';

export type { MigrationHeader } from './revision-header.js';

const HEADER_KEYS: ReadonlySet<string> = new Set(HEADER_FIELDS);

/**
 * Parses the header, or returns `undefined` when `revision` or `downRevision` is not
 * written as a literal property of the default export. Files in the revision
 * template's shape take a quick path ({@link readTemplateShapedHeader}) with the same
 * result. A file without a default export object is read as a migration class when it
 * exports one ({@link readClassHeader}).
 *
 * @param file the file's path, which names an anonymous default-exported class (by its
 *   base name) and the file in errors; `''` where only the object form is parsed.
 * @throws {MalformedMigrationError} when the file exports a migration class whose header
 *   cannot be read from its source.
 */
export function parseMigrationHeader(source: string, file = ''): MigrationHeader | undefined {
  return readTemplateShapedHeader(source) ?? parseMigrationHeaderFully(source, file);
}

/** {@link parseMigrationHeader} without the quick path: the reference the quick path is tested against. */
export function parseMigrationHeaderFully(source: string, file = ''): MigrationHeader | undefined {
  const start = findDefaultExportObject(source);
  if (start === -1) return readClassHeader(source, file);
  const fields = readTopLevelLiterals(source, start);
  const revision = fields.get('revision');
  const downRevision = fields.get('downRevision');
  if (typeof revision !== 'string' || downRevision === undefined || downRevision === UNREADABLE) return undefined;
  if (typeof downRevision === 'boolean') return undefined;
  const optional = (key: string): string | readonly string[] | null | undefined => {
    const value = fields.get(key);
    return value === UNREADABLE || typeof value === 'boolean' ? undefined : value;
  };
  const message = fields.get('message');
  return {
    revision,
    downRevision,
    branchLabels: optional('branchLabels'),
    dependsOn: optional('dependsOn'),
    message: typeof message === 'string' ? message : undefined,
  };
}

/** Index just after the `{` of `export default {` or `export default defineMigration({`, or -1. */
function findDefaultExportObject(source: string): number {
  const match = /export\s+default\s+(?:[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\s*\(\s*)?\{/.exec(stripComments(source));
  return match ? match.index + match[0].length : -1;
}

function readTopLevelLiterals(source: string, start: number): Map<string, Literal | typeof UNREADABLE> {
  const fields = new Map<string, Literal | typeof UNREADABLE>();
  const scanner = new Scanner(source, start);
  while (scanner.pos < source.length) {
    const c = scanner.peek();
    if (c === undefined || c === '}') break;
    if (c === ',') {
      scanner.skipToken();
      continue;
    }
    const keyAt = scanner.pos;
    const key = scanner.readIdentifier() ?? scanner.readStringLiteral();
    if (key === undefined || scanner.peek() !== ':') {
      scanner.skipValue();
      // A stray `)` or `]` stops skipValue where it stands: step over it, or this loop never ends.
      if (scanner.pos === keyAt) scanner.skipToken();
      continue;
    }
    scanner.skipToken();
    if (HEADER_KEYS.has(key) || key === 'transactional') {
      const before = scanner.mark();
      const value = readLiteral(scanner);
      if (value === UNREADABLE) scanner.reset(before);
      fields.set(key, value);
    }
    scanner.skipValue();
  }
  return fields;
}

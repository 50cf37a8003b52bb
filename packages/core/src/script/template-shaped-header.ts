import type { MigrationHeader } from './revision-header.js';
import { skipString } from './source-literals.js';

/**
 * The quick reading of a header written the way the revision template writes it:
 * `export default {` followed directly by `key: literal,` lines for the header keys,
 * with plain quoted strings (no escapes), `null`, or arrays of such strings.
 *
 * Returns `undefined` whenever the file departs from that shape in any way that could
 * change the answer (a comment or string before the export, a header key further down
 * the object, an escape sequence, a template literal, …); the caller then runs the full
 * literal parser, so both always agree. It exists because a project of 10,000 revisions
 * reads 10,000 headers on every `history`, and the full parser's character-by-character
 * comment stripping was the largest cost of that command.
 */
export function readTemplateShapedHeader(source: string): MigrationHeader | undefined {
  const exportAt = source.search(EXPORT_DEFAULT);
  if (exportAt === -1 || !isPlainCodeBefore(source, exportAt)) return undefined;
  OBJECT_START.lastIndex = exportAt;
  const opening = OBJECT_START.exec(source);
  if (!opening) return undefined;

  const fields: Record<string, string | null | readonly string[]> = {};
  let pos = OBJECT_START.lastIndex;
  for (;;) {
    PROPERTY.lastIndex = pos;
    const property = PROPERTY.exec(source);
    if (!property) break;
    fields[property[1]!] = literalValue(property[2]!);
    pos = PROPERTY.lastIndex;
  }
  // The full parser reads every top-level property, so a header key written further down
  // (or quoted, or after a comment) may override what was read here: leave it to that parser.
  HEADER_KEY_ANYWHERE.lastIndex = pos;
  if (HEADER_KEY_ANYWHERE.test(source)) return undefined;

  const { revision, downRevision, branchLabels, dependsOn, message } = fields;
  if (typeof revision !== 'string' || downRevision === undefined) return undefined;
  return { revision, downRevision, branchLabels, dependsOn, message: typeof message === 'string' ? message : undefined };
}

const EXPORT_DEFAULT = /export\s+default\b/;
/** `export default {` or `export default defineMigration({`, as the full parser's pattern (without comments). */
const OBJECT_START = /export\s+default\s+(?:[A-Za-z_$][\w$]*\s*(?:<[^>]*>)?\s*\(\s*)?\{/y;
const SIMPLE_STRING = String.raw`'[^'\\\n]*'|"[^"\\\n]*"`;
const PROPERTY = new RegExp(
  String.raw`\s*(revision|downRevision|branchLabels|dependsOn|message)\s*:\s*` +
    String.raw`(null|${SIMPLE_STRING}|\[\s*(?:(?:${SIMPLE_STRING})\s*,\s*)*(?:(?:${SIMPLE_STRING})\s*)?\])\s*,`,
  'y',
);
/**
 * Conservative: any later mention of a header key (even in a function body, a comment or
 * as `'key' /* … *\/ :`), or an escape that could spell one in a quoted key, sends the file
 * to the full parser.
 */
const HEADER_KEY_ANYWHERE = /revision|downRevision|branchLabels|dependsOn|message|\\[ux]/g;
const STRING_IN_LIST = /'([^'\\\n]*)'|"([^"\\\n]*)"/g;

function literalValue(text: string): string | null | readonly string[] {
  if (text === 'null') return null;
  if (text.startsWith('[')) return [...text.matchAll(STRING_IN_LIST)].map((m) => m[1] ?? m[2] ?? '');
  return text.slice(1, -1);
}

/**
 * Whether `source[0..end)` leaves `end` in code: every comment and string before it is
 * closed. Mirrors how the full parser strips comments (with its {@link skipString}), by
 * jumps rather than per character.
 */
function isPlainCodeBefore(source: string, end: number): boolean {
  let i = 0;
  for (;;) {
    const next = nextSpecial(source, i, end);
    if (next === -1) return true;
    const c = source[next]!;
    let stop: number;
    if (c === '/') {
      const after = source[next + 1];
      if (after === '/') {
        const newline = source.indexOf('\n', next);
        stop = newline === -1 ? source.length : newline;
      } else if (after === '*') {
        const close = source.indexOf('*/', next + 2);
        stop = close === -1 ? source.length : close + 2;
      } else {
        stop = next + 1;
      }
    } else {
      stop = skipString(source, next);
    }
    if (stop > end) return false;
    i = stop;
  }
}

const SPECIAL = /[/'"`]/g;

function nextSpecial(source: string, from: number, end: number): number {
  SPECIAL.lastIndex = from;
  const match = SPECIAL.exec(source);
  return match && match.index < end ? match.index : -1;
}

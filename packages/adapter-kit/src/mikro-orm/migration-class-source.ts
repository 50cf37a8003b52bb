/**
 * Finds the migration class in a MikroORM migration file's text, without importing it:
 * where its body starts and ends, and the static members already written in it. A
 * light scanner, not a parser: it masks comments, string, template and regular
 * expression literals, then reads the code that is left by its braces.
 */

/** The class MikroORM runs from a migration file, located in its text. */
export interface MigrationClassLocation {
  /** The class's name; `undefined` for `export default class extends Migration`. */
  readonly name: string | undefined;
  /** Index of the line the declaration starts on (its `export`). */
  readonly declarationStart: number;
  /** Index of the `{` that opens the body. */
  readonly bodyStart: number;
  /** Index of the `}` that closes the body. */
  readonly bodyEnd: number;
  /** Whether it is the default export. */
  readonly isDefault: boolean;
}

/** The value of a static member as written: a string, `null`, or something else (`unreadable`). */
export type StaticValue = string | null | { readonly unreadable: string };

/**
 * The source with every comment and the inside of every string, template and regular
 * expression literal replaced by spaces (line breaks kept), so that each index still
 * points at the same character and every brace, keyword and `=` left is code. A
 * template's `${…}` stays code.
 */
export function maskNonCode(source: string): string {
  const out = source.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' ';
  };
  // Open template literals, by the brace depth of their `${` (a `}` at that depth resumes the template).
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  let lastSignificant = '';
  const n = source.length;
  const readTemplate = (from: number): number => {
    // From inside a template; returns the index after its closing backtick, or after a `${` (pushing the depth).
    let j = from;
    while (j < n) {
      const c = source[j];
      if (c === '\\') j += 2;
      else if (c === '`') {
        blank(from, j);
        return j + 1;
      } else if (c === '$' && source[j + 1] === '{') {
        blank(from, j);
        templates.push(depth);
        depth++;
        return j + 2;
      } else j++;
    }
    blank(from, n);
    return n;
  };
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      blank(i + 1, Math.min(j, n));
      i = j + 1;
      lastSignificant = c;
    } else if (c === '`') {
      i = readTemplate(i + 1);
      lastSignificant = '`';
    } else if (c === '/' && startsRegex(lastSignificant, source, i)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const r = source[j];
        if (r === '\\') j++;
        else if (r === '[') inClass = true;
        else if (r === ']') inClass = false;
        else if (r === '/' && !inClass) break;
        j++;
      }
      blank(i + 1, Math.min(j, n));
      i = j + 1;
      lastSignificant = '/';
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templates.length > 0 && templates[templates.length - 1] === depth) {
          templates.pop();
          i = readTemplate(i + 1);
          lastSignificant = '`';
          continue;
        }
      }
      if (!/\s/.test(c)) lastSignificant = /[\w$]/.test(c) ? wordEndingAt(source, i) : c;
      i++;
    }
  }
  return out.join('');
}

/** Words after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

function startsRegex(lastSignificant: string, source: string, i: number): boolean {
  if (source[i + 1] === '/' || source[i + 1] === '*') return false;
  if (lastSignificant === '') return true;
  if (/^[\w$]+$/.test(lastSignificant)) return REGEX_AFTER_WORDS.has(lastSignificant);
  return !/[)\]}'"`]/.test(lastSignificant);
}

/** The identifier or keyword whose last character is at `end`. */
function wordEndingAt(source: string, end: number): string {
  let start = end;
  while (start > 0 && /[\w$]/.test(source[start - 1]!)) start--;
  return source.slice(start, end + 1);
}

const DECORATOR = String.raw`@[\w$.]+(?:\([^()]*\))?\s*`;
const EXPORTED_CLASS = new RegExp(String.raw`\bexport\s+(?:${DECORATOR})*(default\s+)?(?:${DECORATOR})*class\b(?:\s+(?!extends\b|implements\b)([A-Za-z_$][\w$]*))?`, 'g');

/**
 * The exported classes of a file, in text order: `export class X`, `export default
 * class X`, and `export default class` without a name, decorators allowed before or
 * after `export`. Only declarations at the top level count.
 */
export function findExportedClasses(source: string, masked = maskNonCode(source)): MigrationClassLocation[] {
  const depths = braceDepths(masked);
  const found: MigrationClassLocation[] = [];
  for (const match of masked.matchAll(EXPORTED_CLASS)) {
    if (depths[match.index] !== 0) continue;
    const bodyStart = bodyOpening(masked, match.index + match[0].length);
    if (bodyStart === -1) continue;
    const bodyEnd = matchingBrace(masked, bodyStart);
    if (bodyEnd === -1) continue;
    found.push({
      name: match[2],
      declarationStart: masked.lastIndexOf('\n', match.index) + 1,
      bodyStart,
      bodyEnd,
      isDefault: match[1] !== undefined,
    });
  }
  return found;
}

/**
 * The class MikroORM instantiates from a file: of its exports that are functions, the
 * first in the module namespace's order (by export name, as JavaScript sorts strings),
 * here among the exported classes, since a migration file exports nothing else.
 */
export function findMigrationClass(source: string, masked = maskNonCode(source)): MigrationClassLocation | undefined {
  const exportName = (location: MigrationClassLocation) => (location.isDefault ? 'default' : location.name!);
  return findExportedClasses(source, masked).sort((a, b) => (exportName(a) < exportName(b) ? -1 : exportName(a) > exportName(b) ? 1 : 0))[0];
}

/**
 * The static members of a class body written as `static <name> = <value>` at its top
 * level, by name: each value as a string, `null`, or `unreadable` with its text.
 */
export function readStaticMembers(source: string, location: MigrationClassLocation, masked = maskNonCode(source)): Map<string, StaticValue> {
  const members = new Map<string, StaticValue>();
  const body = masked.slice(location.bodyStart + 1, location.bodyEnd);
  const depths = braceDepths(body);
  for (const match of body.matchAll(/(?<![\w$.])static\s+([A-Za-z_$][\w$]*)\s*(?::[^=;{}]*)?=\s*/g)) {
    if (depths[match.index] !== 0) continue;
    const valueAt = location.bodyStart + 1 + match.index + match[0].length;
    members.set(match[1]!, readValue(source, valueAt));
  }
  return members;
}

function readValue(source: string, at: number): StaticValue {
  const quote = source[at];
  if (quote === "'" || quote === '"') {
    let j = at + 1;
    let value = '';
    while (j < source.length && source[j] !== quote && source[j] !== '\n') {
      if (source[j] === '\\') {
        value += source[j + 1] ?? '';
        j += 2;
      } else value += source[j++];
    }
    return value;
  }
  const word = /^[^;,\n}]*/.exec(source.slice(at))![0].trim();
  return word === 'null' ? null : { unreadable: word };
}

/** The brace depth at each index of masked code (the depth before the character at it). */
function braceDepths(masked: string): Int32Array {
  const depths = new Int32Array(masked.length + 1);
  let depth = 0;
  for (let i = 0; i < masked.length; i++) {
    depths[i] = depth;
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}') depth--;
  }
  depths[masked.length] = depth;
  return depths;
}

/** The `{` that opens a class body after its heritage (`extends Migration`), outside parentheses and brackets. */
function bodyOpening(masked: string, from: number): number {
  let nesting = 0;
  for (let i = from; i < masked.length; i++) {
    const c = masked[i];
    if (c === '(' || c === '[') nesting++;
    else if (c === ')' || c === ']') nesting--;
    else if (c === '{' && nesting === 0) return i;
    else if (c === ';' && nesting === 0) return -1;
  }
  return -1;
}

function matchingBrace(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '{') depth++;
    else if (masked[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The small piece of a JavaScript/TypeScript reader that migration headers need: step
 * over comments, string, template and regular expression literals, read identifiers,
 * and read literal values (string literals, `null`, `undefined`, booleans, arrays of
 * string literals) without evaluating anything. Shared by the object form's header
 * ({@link parseMigrationHeader}) and the class form's ({@link readExportedClasses}).
 *
 * It is hand-written, not a parser: `history` and `current` read thousands of headers,
 * and loading a real parser there would cost more than reading them.
 */

/** A value written literally in a migration's source. */
export type Literal = string | null | readonly string[] | boolean;

/** What {@link readLiteral} gives for a value that is not a literal. */
export const UNREADABLE = Symbol('unreadable');

/** Words after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

const IDENTIFIER = /[A-Za-z_$][\w$]*/y;
/** An identifier, keyword or number: one token, read whole. */
const WORD = /[\w$]+/y;
const WHITE_SPACE = /\s/;

/** Whether `c` can start an identifier (ASCII names only, as everywhere in these readers). */
export function startsIdentifier(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$');
}

/** Comments replaced by spaces, keeping every index in place. */
export function stripComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      out += ' '.repeat(stop - i);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === '"' || c === "'" || c === '`') {
      const stop = skipString(source, i);
      out += source.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/**
 * Index after the string or template literal starting at `i` (a template's `${…}`
 * included, however nested); past the end of `source` when it is not closed.
 */
export function skipString(source: string, i: number): number {
  const quote = source[i];
  if (quote === '`') {
    const scanner = new Scanner(source, i);
    scanner.skipToken();
    return scanner.pos;
  }
  let j = i + 1;
  while (j < source.length && source[j] !== quote) {
    if (source[j] === '\\') j++;
    j++;
  }
  return j + 1;
}

/**
 * A position in source text, moved by reading tokens; comments and white space are
 * skipped before each. It remembers whether a `/` at the position would start a regular
 * expression (after `=`, `(`, `return`, …) or divide (after a name, a number, `)`), as a
 * JavaScript tokenizer does, so that a regular expression's quotes and braces are never
 * read as code.
 */
export class Scanner {
  pos: number;
  #regexMayFollow = true;

  constructor(
    readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }

  skipTrivia(): void {
    const text = this.text;
    for (;;) {
      while (this.pos < text.length && isWhiteSpace(text.charCodeAt(this.pos), text[this.pos]!)) this.pos++;
      if (text[this.pos] !== '/') return;
      const next = text[this.pos + 1];
      if (next === '/') {
        const end = text.indexOf('\n', this.pos);
        this.pos = end === -1 ? text.length : end;
      } else if (next === '*') {
        const end = text.indexOf('*/', this.pos + 2);
        this.pos = end === -1 ? text.length : end + 2;
      } else {
        return;
      }
    }
  }

  peek(): string | undefined {
    this.skipTrivia();
    return this.text[this.pos];
  }

  readIdentifier(): string | undefined {
    this.skipTrivia();
    IDENTIFIER.lastIndex = this.pos;
    const match = IDENTIFIER.exec(this.text);
    if (!match) return undefined;
    this.pos += match[0].length;
    this.#regexMayFollow = REGEX_AFTER_WORDS.has(match[0]);
    return match[0];
  }

  /** The identifier at the position, without moving at all (a line break before it stays ahead). */
  peekIdentifier(): string | undefined {
    const at = this.pos;
    this.skipTrivia();
    IDENTIFIER.lastIndex = this.pos;
    const word = IDENTIFIER.exec(this.text)?.[0];
    this.pos = at;
    return word;
  }

  readStringLiteral(): string | undefined {
    this.skipTrivia();
    const quote = this.text[this.pos];
    if (quote !== '"' && quote !== "'" && quote !== '`') return undefined;
    const end = skipString(this.text, this.pos);
    const body = this.text.slice(this.pos + 1, end - 1);
    if (quote === '`' && body.includes('${')) return undefined;
    this.pos = end;
    this.#regexMayFollow = false;
    return unescape(body);
  }

  /** Where the scanner stands, for {@link reset}. */
  mark(): ScannerMark {
    return { pos: this.pos, regexMayFollow: this.#regexMayFollow };
  }

  /** Goes back to where {@link mark} was called. */
  reset(mark: ScannerMark): void {
    this.pos = mark.pos;
    this.#regexMayFollow = mark.regexMayFollow;
  }

  /**
   * Steps over the token at the position: a string, template (with its `${…}`) or
   * regular expression literal, an identifier, keyword or number, `=>`, or one
   * punctuation character.
   */
  skipToken(): void {
    const c = this.peek();
    if (c === undefined) return;
    if (c === '"' || c === "'") {
      this.pos = skipString(this.text, this.pos);
      this.#regexMayFollow = false;
    } else if (c === '`') {
      this.#skipTemplate();
      this.#regexMayFollow = false;
    } else if (c === '/' && this.#regexMayFollow) {
      this.#skipRegularExpression();
      this.#regexMayFollow = false;
    } else if (startsIdentifier(c) || (c >= '0' && c <= '9')) {
      WORD.lastIndex = this.pos;
      const word = WORD.exec(this.text)![0];
      this.pos += word.length;
      this.#regexMayFollow = REGEX_AFTER_WORDS.has(word);
    } else {
      this.pos += c === '=' && this.text[this.pos + 1] === '>' ? 2 : 1;
      this.#regexMayFollow = c !== ')' && c !== ']' && c !== '}';
    }
  }

  /**
   * Steps over tokens, and whatever is nested in brackets, up to the next word at this
   * level, which it reads; a word after `.` is a property's name and is stepped over too.
   * Returns `undefined`, standing on it, at a closing bracket of this level, or at the end.
   */
  nextWordAtThisLevel(): string | undefined {
    let depth = 0;
    let afterDot = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) return undefined;
      if (c === '{' || c === '(' || c === '[') {
        depth++;
      } else if (c === '}' || c === ')' || c === ']') {
        if (depth === 0) return undefined;
        depth--;
      } else if (startsIdentifier(c) && depth === 0 && !afterDot) {
        return this.readIdentifier();
      }
      afterDot = c === '.';
      this.skipToken();
    }
  }

  /** Skips one value (or method) up to the next top-level `,` or the closing `}`. */
  skipValue(): void {
    let depth = 0;
    for (;;) {
      const c = this.peek();
      if (c === undefined) return;
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') {
        if (depth === 0) return;
        depth--;
      } else if (c === ',' && depth === 0) return;
      this.skipToken();
    }
  }

  /** From a template's backtick to after its closing one, stepping over the code of each `${…}`. */
  #skipTemplate(): void {
    const text = this.text;
    let j = this.pos + 1;
    while (j < text.length) {
      const c = text[j];
      if (c === '\\') {
        j += 2;
      } else if (c === '`') {
        this.pos = j + 1;
        return;
      } else if (c === '$' && text[j + 1] === '{') {
        this.pos = j + 2;
        this.#regexMayFollow = true;
        this.#skipSubstitution();
        j = this.pos + 1;
      } else {
        j++;
      }
    }
    this.pos = text.length + 1;
  }

  /** The code of a template's `${…}`, up to the `}` that closes it (left for the template to step over). */
  #skipSubstitution(): void {
    let depth = 0;
    for (;;) {
      const c = this.peek();
      if (c === undefined || (c === '}' && depth === 0)) return;
      if (c === '{') depth++;
      else if (c === '}') depth--;
      this.skipToken();
    }
  }

  /** From a regular expression's `/` to after its flags; a line break ends one left open. */
  #skipRegularExpression(): void {
    const text = this.text;
    let j = this.pos + 1;
    let inClass = false;
    while (j < text.length && text[j] !== '\n') {
      const c = text[j];
      if (c === '\\') j++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        WORD.lastIndex = j + 1;
        this.pos = j + 1 + (WORD.exec(text)?.[0].length ?? 0);
        return;
      }
      j++;
    }
    this.pos = j;
  }
}

/** A position saved by {@link Scanner.mark}. */
export interface ScannerMark {
  readonly pos: number;
  readonly regexMayFollow: boolean;
}

function isWhiteSpace(code: number, c: string): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  return code > 127 && WHITE_SPACE.test(c);
}

function unescape(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, code: string) => {
    if (code.startsWith('u{')) return String.fromCodePoint(parseInt(code.slice(2, -1), 16));
    if (code.startsWith('u') || code.startsWith('x')) return String.fromCharCode(parseInt(code.slice(1), 16));
    return { n: '\n', t: '\t', r: '\r', '0': '\0' }[code] ?? code;
  });
}

/**
 * The literal at the scanner's position (`'a'`, `"a"`, a template without `${`, `null`,
 * `undefined` read as `null`, `true`, `false`, or an array of string literals), moving
 * past it; {@link UNREADABLE} when the value there is anything else.
 */
export function readLiteral(scanner: Scanner): Literal | typeof UNREADABLE {
  const c = scanner.peek();
  if (c === '"' || c === "'" || c === '`') return scanner.readStringLiteral() ?? UNREADABLE;
  if (c === '[') {
    scanner.skipToken();
    const items: string[] = [];
    for (;;) {
      const next = scanner.peek();
      if (next === ']') {
        scanner.skipToken();
        return items;
      }
      if (next === ',') {
        scanner.skipToken();
        continue;
      }
      const item = scanner.readStringLiteral();
      if (item === undefined) return UNREADABLE;
      items.push(item);
    }
  }
  const word = scanner.readIdentifier();
  if (word === 'null' || word === 'undefined') return null;
  if (word === 'true' || word === 'false') return word === 'true';
  return UNREADABLE;
}

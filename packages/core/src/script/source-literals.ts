/**
 * The small piece of a JavaScript/TypeScript reader that migration headers need: skip
 * comments and strings, read identifiers, and read literal values (string literals,
 * `null`, `undefined`, booleans, arrays of string literals) without evaluating anything.
 * Shared by the object form's header ({@link parseMigrationHeader}) and the class form's
 * ({@link readClassHeader}).
 */

/** A value written literally in a migration's source. */
export type Literal = string | null | readonly string[] | boolean;

/** What {@link readLiteral} gives for a value that is not a literal. */
export const UNREADABLE = Symbol('unreadable');

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

/** Index after the string literal starting at `i`. */
export function skipString(source: string, i: number): number {
  const quote = source[i];
  let j = i + 1;
  while (j < source.length && source[j] !== quote) {
    if (source[j] === '\\') j++;
    j++;
  }
  return j + 1;
}

/** A position in source text, moved by reading tokens; comments and white space are skipped before each. */
export class Scanner {
  pos: number;
  constructor(
    readonly text: string,
    start: number,
  ) {
    this.pos = start;
  }

  skipTrivia(): void {
    for (;;) {
      while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
      if (this.text.startsWith('//', this.pos)) {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end === -1 ? this.text.length : end;
      } else if (this.text.startsWith('/*', this.pos)) {
        const end = this.text.indexOf('*/', this.pos + 2);
        this.pos = end === -1 ? this.text.length : end + 2;
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
    const match = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.pos, this.pos + 256));
    if (!match) return undefined;
    this.pos += match[0].length;
    return match[0];
  }

  /** The identifier at the position, without moving past it. */
  peekIdentifier(): string | undefined {
    const at = this.pos;
    const word = this.readIdentifier();
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
    return unescape(body);
  }

  /** Skips one value (or method) up to the next top-level `,` or the closing `}`. */
  skipValue(): void {
    let depth = 0;
    while (this.pos < this.text.length) {
      this.skipTrivia();
      const c = this.text[this.pos];
      if (c === undefined) return;
      if (c === '"' || c === "'" || c === '`') {
        this.pos = skipString(this.text, this.pos);
        continue;
      }
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') {
        if (depth === 0) return;
        depth--;
      } else if (c === ',' && depth === 0) return;
      this.pos++;
    }
  }
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
    scanner.pos++;
    const items: string[] = [];
    for (;;) {
      const next = scanner.peek();
      if (next === ']') {
        scanner.pos++;
        return items;
      }
      if (next === ',') {
        scanner.pos++;
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

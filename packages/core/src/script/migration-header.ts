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
 */

import type { MigrationHeader } from './revision-header.js';
import { readTemplateShapedHeader } from './template-shaped-header.js';

export type { MigrationHeader } from './revision-header.js';

type Literal = string | null | readonly string[] | boolean;
const UNREADABLE = Symbol('unreadable');

const HEADER_KEYS = new Set(['revision', 'downRevision', 'branchLabels', 'dependsOn', 'message']);

/**
 * Parses the header, or returns `undefined` when `revision` or `downRevision` is not
 * written as a literal property of the default export. Files in the revision
 * template's shape take a quick path ({@link readTemplateShapedHeader}) with the same
 * result.
 */
export function parseMigrationHeader(source: string): MigrationHeader | undefined {
  return readTemplateShapedHeader(source) ?? parseMigrationHeaderFully(source);
}

/** {@link parseMigrationHeader} without the quick path: the reference the quick path is tested against. */
export function parseMigrationHeaderFully(source: string): MigrationHeader | undefined {
  const start = findDefaultExportObject(source);
  if (start === -1) return undefined;
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

/** Comments replaced by spaces, keeping every index in place. */
function stripComments(source: string): string {
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
function skipString(source: string, i: number): number {
  const quote = source[i];
  let j = i + 1;
  while (j < source.length && source[j] !== quote) {
    if (source[j] === '\\') j++;
    j++;
  }
  return j + 1;
}

class Scanner {
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

function readTopLevelLiterals(source: string, start: number): Map<string, Literal | typeof UNREADABLE> {
  const fields = new Map<string, Literal | typeof UNREADABLE>();
  const scanner = new Scanner(source, start);
  while (scanner.pos < source.length) {
    const c = scanner.peek();
    if (c === undefined || c === '}') break;
    if (c === ',') {
      scanner.pos++;
      continue;
    }
    const keyAt = scanner.pos;
    const key = scanner.readIdentifier() ?? scanner.readStringLiteral();
    if (key === undefined || scanner.peek() !== ':') {
      scanner.skipValue();
      // A stray `)` or `]` stops skipValue where it stands: step over it, or this loop never ends.
      if (scanner.pos === keyAt) scanner.pos++;
      continue;
    }
    scanner.pos++;
    if (HEADER_KEYS.has(key) || key === 'transactional') {
      const before = scanner.pos;
      const value = readLiteral(scanner);
      if (value === UNREADABLE) scanner.pos = before;
      fields.set(key, value);
    }
    scanner.skipValue();
  }
  return fields;
}

function readLiteral(scanner: Scanner): Literal | typeof UNREADABLE {
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

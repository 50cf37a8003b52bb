/**
 * The classes a module exports at its top level, found in its source text without
 * importing it: where each declaration and body is, and the header members its body
 * declares (`static revision = '…'` and the other {@link HEADER_FIELDS}) as
 * written. Core reads a migration class's header from it ({@link readClassHeader}); an
 * adapter that adopts an ORM's migration files finds the class to annotate with it.
 */

import { HEADER_FIELDS, type HeaderField } from './revision-header.js';
import { readLiteral, Scanner, startsIdentifier, UNREADABLE, type Literal } from './source-literals.js';

/** A header member of a class, as its source declares it. */
export type HeaderStatic =
  /** Set to a literal (`static revision = '1f0c3a9b2d4e'`; `undefined` reads as `null`). */
  | { readonly kind: 'literal'; readonly value: Literal }
  /** Declared without a value (`static revision: string;`). */
  | { readonly kind: 'no-value' }
  /**
   * Something to evaluate: an initializer that is not a literal (`initializer` is its
   * text up to the end of its line, `'r' + suffix`), or a method or accessor
   * (`initializer` is `undefined`).
   */
  | { readonly kind: 'not-a-literal'; readonly initializer: string | undefined };

/** A class a module exports, located in its source text. */
export interface ExportedClass {
  /** Its declared name; `undefined` for `export default class extends X {`. */
  readonly name: string | undefined;
  readonly isDefault: boolean;
  /** Whether it extends another class (a named export that does not is no migration to core). */
  readonly extendsClass: boolean;
  /** Index of the `export` that declares it. */
  readonly declarationStart: number;
  /** Index of the `{` that opens its body. */
  readonly bodyStart: number;
  /** Index of the `}` that closes its body; `undefined` when the text ends first. */
  readonly bodyEnd: number | undefined;
  /** The header members at the top level of its body; the last declaration of one wins, as it does when the class is evaluated. */
  readonly statics: ReadonlyMap<HeaderField, HeaderStatic>;
}

/** What {@link readExportedClasses} finds. */
export interface ExportedClasses {
  /** In the order of the text. */
  readonly classes: readonly ExportedClass[];
  /** Whether the default export is something other than a class (`export default migration;`, `export default {`). */
  readonly defaultIsNotAClass: boolean;
}

/** Words that may stand between `static` and a member's name. */
const MODIFIERS = new Set(['readonly', 'public', 'protected', 'private', 'override', 'declare', 'accessor', 'async', 'get', 'set']);

const HEADER_STATICS: ReadonlySet<string> = new Set(HEADER_FIELDS);

/** What {@link HeaderStatic}'s `initializer` shows of a value: up to the end of its statement or line. */
const INITIALIZER_TEXT = /[^;,\n}]*/y;

/**
 * The classes `source` exports at its top level, in text order: `export class A`,
 * `export default class [A]`, with decorators before or after `export` or `default`.
 * Comments, strings, templates (with their `${…}`) and regular expressions are stepped
 * over as such, so nothing in them is taken for code.
 *
 * ### Examples
 * ```ts
 * const { classes } = readExportedClasses("export class Migration1 extends Migration {\n  static revision = 'a1';\n}\n");
 * classes[0]!.name                    // 'Migration1'
 * classes[0]!.statics.get('revision') // { kind: 'literal', value: 'a1' }
 * ```
 */
export function readExportedClasses(source: string): ExportedClasses {
  const classes: ExportedClass[] = [];
  let defaultIsNotAClass = false;
  const scanner = new Scanner(source, 0);
  for (;;) {
    const word = scanner.nextWordAtThisLevel();
    if (word === undefined) {
      if (scanner.peek() === undefined) break;
      // A closing bracket with no opening one: step over it, as the module's own top level.
      scanner.skipToken();
      continue;
    }
    if (word !== 'export') continue;
    const declarationStart = scanner.pos - word.length;
    skipDecorators(scanner);
    const isDefault = scanner.peekIdentifier() === 'default';
    if (isDefault) {
      scanner.readIdentifier();
      skipDecorators(scanner);
    }
    // Any other word is left to the loop, which reads it as it reads every word.
    if (scanner.peekIdentifier() === 'class') {
      scanner.readIdentifier();
      const exported = readClassDeclaration(scanner, isDefault, declarationStart);
      if (exported !== undefined) classes.push(exported);
    } else if (isDefault) {
      defaultIsNotAClass = true;
    }
  }
  return { classes, defaultIsNotAClass };
}

/** Steps over decorators (`@Reflect.metadata('kind', 'migration')`). */
function skipDecorators(scanner: Scanner): void {
  while (scanner.peek() === '@') {
    scanner.skipToken();
    scanner.readIdentifier();
    while (scanner.peek() === '.') {
      scanner.skipToken();
      scanner.readIdentifier();
    }
    if (scanner.peek() !== '(') continue;
    let depth = 0;
    do {
      const c = scanner.peek();
      if (c === undefined) return;
      if (c === '(') depth++;
      else if (c === ')') depth--;
      scanner.skipToken();
    } while (depth > 0);
  }
}

/**
 * The class declared after `class` (the scanner stands there), leaving the scanner after
 * its body; `undefined` when the text ends before its body opens.
 */
function readClassDeclaration(scanner: Scanner, isDefault: boolean, declarationStart: number): ExportedClass | undefined {
  const word = scanner.peekIdentifier();
  const name = word === undefined || word === 'extends' || word === 'implements' ? undefined : scanner.readIdentifier();
  let extendsClass = false;
  let depth = 0;
  // Type parameters, `extends X<T>`, `implements Y`: everything up to the body's `{`.
  for (;;) {
    const c = scanner.peek();
    if (c === undefined) return undefined;
    if (c === '{' && depth === 0) break;
    if (startsIdentifier(c)) {
      if (scanner.readIdentifier() === 'extends' && depth === 0) extendsClass = true;
      continue;
    }
    // `=>` (in a type argument) is one token, so its `>` closes nothing.
    if (c === '(' || c === '[' || c === '<' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '>' || c === '}') depth--;
    scanner.skipToken();
  }
  const bodyStart = scanner.pos;
  scanner.skipToken();
  const statics = new Map<HeaderField, HeaderStatic>();
  for (;;) {
    const member = scanner.nextWordAtThisLevel();
    if (member === undefined) {
      const c = scanner.peek();
      if (c === undefined) return { name, isDefault, extendsClass, declarationStart, bodyStart, bodyEnd: undefined, statics };
      if (c === '}') {
        const bodyEnd = scanner.pos;
        scanner.skipToken();
        return { name, isDefault, extendsClass, declarationStart, bodyStart, bodyEnd, statics };
      }
      // A stray `)` or `]`: the body goes on to its `}`.
      scanner.skipToken();
    } else if (member === 'static') {
      // In a class body, `static` is a reserved word: at the top level it is a modifier
      // (or a member named `static`, which readStaticMember leaves alone).
      readStaticMember(scanner, statics);
    }
  }
}

/** Reads the member after `static` when it is a header member; otherwise leaves it to the body's scan. */
function readStaticMember(scanner: Scanner, statics: Map<HeaderField, HeaderStatic>): void {
  let name = readMemberName(scanner);
  while (name !== undefined && MODIFIERS.has(name) && startsMemberName(scanner)) name = readMemberName(scanner);
  if (name === undefined || !isHeaderField(name)) return;
  let next = scanner.peek();
  if (next === '(' || next === '<') {
    statics.set(name, { kind: 'not-a-literal', initializer: undefined });
    return;
  }
  if (next === '?' || next === '!') {
    scanner.skipToken();
    next = scanner.peek();
  }
  if (next === ':') {
    scanner.skipToken();
    skipType(scanner);
  }
  if (scanner.peek() !== '=') {
    statics.set(name, { kind: 'no-value' });
    return;
  }
  scanner.skipToken();
  scanner.skipTrivia();
  const before = scanner.mark();
  const value = readLiteral(scanner);
  if (value === UNREADABLE || !endsInitializer(scanner)) {
    // Let the body's scan step over the whole initializer (its brackets included).
    scanner.reset(before);
    INITIALIZER_TEXT.lastIndex = before.pos;
    statics.set(name, { kind: 'not-a-literal', initializer: INITIALIZER_TEXT.exec(scanner.text)![0].trim() });
    return;
  }
  statics.set(name, { kind: 'literal', value });
}

function isHeaderField(name: string): name is HeaderField {
  return HEADER_STATICS.has(name);
}

function readMemberName(scanner: Scanner): string | undefined {
  return scanner.readIdentifier() ?? scanner.readStringLiteral();
}

function startsMemberName(scanner: Scanner): boolean {
  const c = scanner.peek();
  return startsIdentifier(c) || c === '"' || c === "'";
}

/**
 * Whether the literal just read is the whole initializer: followed by `;`, the class's
 * `}`, or a line break before the next member, optionally after a type assertion
 * (`as const`, `satisfies string`). `'a' + suffix` is not a literal.
 */
function endsInitializer(scanner: Scanner): boolean {
  const assertion = scanner.peekIdentifier();
  if (assertion === 'as' || assertion === 'satisfies') {
    scanner.readIdentifier();
    skipType(scanner);
  }
  const end = scanner.pos;
  const next = scanner.peek();
  if (next === undefined || next === ';' || next === '}') return true;
  const lineBreak = scanner.text.slice(end, scanner.pos).includes('\n');
  // After a line break only the start of another member ends it: `'a'\n + x` and `'a'\n['x']` go on.
  return lineBreak && (startsIdentifier(next) || next === '#' || next === '@' || next === '"' || next === "'");
}

/**
 * Steps over a type annotation or assertion: up to `=`, `;`, `}` or `,` outside brackets,
 * or a line break after which the type does not go on (`string\n  | null` does).
 */
function skipType(scanner: Scanner): void {
  const text = scanner.text;
  let depth = 0;
  let last = ':';
  for (;;) {
    const before = scanner.pos;
    scanner.skipTrivia();
    const c = text[scanner.pos];
    if (c === undefined) return;
    if (depth === 0) {
      const continues = '|&:<,'.includes(last) || last === '=>' || c === '|' || c === '&' || c === '.';
      const ends =
        c === ';' || c === '}' || c === ',' || c === ')' || c === ']' || (c === '=' && text[scanner.pos + 1] !== '>') || (text.slice(before, scanner.pos).includes('\n') && !continues);
      if (ends) {
        // Back before the white space, so that the caller still sees a line break there.
        scanner.pos = before;
        return;
      }
    }
    if (c === '"' || c === "'" || c === '`') last = 'string';
    else if (c === '=' && text[scanner.pos + 1] === '>') last = '=>';
    else if (startsIdentifier(c)) last = 'word';
    else {
      if (c === '(' || c === '[' || c === '<' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '>' || c === '}') depth--;
      last = c;
    }
    scanner.skipToken();
  }
}

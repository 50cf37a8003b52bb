/**
 * Reads the identity of a migration written as a class (MikroORM's form) from its source
 * text, without importing it:
 *
 * ```ts
 * export class Migration20241116000001 extends Migration {
 *   static revision = '1f0c3a9b2d4e';
 *   static downRevision = null;
 *   override async up(): Promise<void> { this.addSql('create table …'); }
 * }
 * ```
 *
 * Unlike the object form, a class-shaped file never falls back to importing its module
 * for its header: that would load the ORM for `history` and `current`. So what cannot be
 * read here is {@link MalformedMigrationError}, naming the file and the member.
 */

import path from 'node:path';
import { MalformedMigrationError } from '../errors.js';
import type { MigrationHeader } from './revision-header.js';
import { readLiteral, Scanner, skipString, UNREADABLE, type Literal } from './source-literals.js';

/** A class exported by a migration file, as its source declares it. */
interface ExportedClass {
  /** Its declared name; `undefined` for `export default class extends X {`. */
  readonly name: string | undefined;
  readonly isDefault: boolean;
  /** Index of the `{` that opens its body. */
  readonly bodyAt: number;
}

/** What a header static member of the class was set to. */
type StaticValue = Literal | typeof UNREADABLE | typeof NO_VALUE;

/** A static member declared without an initializer (`static revision: string;`). */
const NO_VALUE = Symbol('no value');

const HEADER_STATICS = new Set(['revision', 'downRevision', 'branchLabels', 'dependsOn', 'message']);

/** Words that may stand between `static` and a member's name. */
const MODIFIERS = new Set(['readonly', 'public', 'protected', 'private', 'override', 'declare', 'accessor', 'async', 'get', 'set']);

const IDENTIFIER_START = /[A-Za-z_$]/;

/**
 * The name MikroORM knows a migration class by: its declared name, or for an anonymous
 * `export default class extends Migration {` the file's base name without extension.
 *
 * ### Examples
 * ```ts
 * migrationClassName(undefined, '/app/migrations/versions/Migration20241116000001.ts') // 'Migration20241116000001'
 * ```
 */
export function migrationClassName(declared: string | undefined, file: string): string {
  return declared ?? path.basename(file, path.extname(file));
}

/**
 * The header of a migration file written as a class: the default-exported class, else
 * the one exported class that extends another. `message` is the class's `static
 * message`, or its name. `undefined` when the file is not class-shaped (the caller then
 * treats it as before).
 *
 * @param file the file's path: names an anonymous class (its base name) and the file in errors.
 * @throws {MalformedMigrationError} when the file exports several such classes and no
 *   default, or the class's `static revision`/`downRevision` is missing, or a header
 *   member (`revision`, `downRevision`, `branchLabels`, `dependsOn`, `message`) is not
 *   a literal.
 */
export function readClassHeader(source: string, file: string): MigrationHeader | undefined {
  const exported = findMigrationClass(source, file);
  if (exported === undefined) return undefined;
  const name = migrationClassName(exported.name, file);
  return toHeader(readHeaderStatics(source, exported.bodyAt), name, file);
}

/** The class a migration file exports as its migration, as {@link readClassHeader} picks it. */
function findMigrationClass(source: string, file: string): ExportedClass | undefined {
  const { classes, otherDefault } = readTopLevelExports(source);
  // A default export of something else (`export default migration;`) is the object form's business.
  if (otherDefault) return undefined;
  const byDefault = classes.find((exported) => exported.isDefault);
  if (byDefault !== undefined) return byDefault;
  if (classes.length > 1) {
    throw new MalformedMigrationError(
      file,
      `it exports several classes (${classes.map((exported) => exported.name).join(', ')}) and no default export, so which one is the migration is ambiguous: export only the migration class, or make it the default export`,
    );
  }
  return classes[0];
}

/**
 * The classes exported at the top level of a module (`export class A extends B {`, and
 * `export default class [A] [extends B] {`), and whether something else is its default
 * export. Named classes that extend nothing are not migrations and are left out.
 */
function readTopLevelExports(source: string): { classes: ExportedClass[]; otherDefault: boolean } {
  const classes: ExportedClass[] = [];
  let otherDefault = false;
  const scanner = new Scanner(source, 0);
  let depth = 0;
  for (;;) {
    scanner.skipTrivia();
    const c = source[scanner.pos];
    if (c === undefined) break;
    if (c === '"' || c === "'" || c === '`') {
      scanner.pos = skipString(source, scanner.pos);
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
      scanner.pos++;
    } else if (c === '}' || c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
      scanner.pos++;
    } else if (IDENTIFIER_START.test(c)) {
      const word = scanner.readIdentifier();
      if (word !== 'export' || depth !== 0) continue;
      let next = scanner.readIdentifier();
      const isDefault = next === 'default';
      if (isDefault) next = scanner.readIdentifier();
      if (next === 'class') {
        const exported = readClassDeclaration(scanner, isDefault);
        if (exported !== undefined) classes.push(exported);
      } else if (isDefault) {
        otherDefault = true;
      }
    } else {
      scanner.pos++;
    }
  }
  return { classes, otherDefault };
}

/**
 * The class declared after `class` (the scanner stands there), leaving the scanner on the
 * `{` of its body; `undefined` for a named export that extends nothing.
 */
function readClassDeclaration(scanner: Scanner, isDefault: boolean): ExportedClass | undefined {
  const word = scanner.peekIdentifier();
  const name = word === undefined || word === 'extends' || word === 'implements' ? undefined : scanner.readIdentifier();
  let extendsSomething = false;
  let depth = 0;
  // Type parameters, `extends X<T>`, `implements Y`: everything up to the body's `{`.
  while (scanner.pos < scanner.text.length) {
    scanner.skipTrivia();
    const c = scanner.text[scanner.pos];
    if (c === undefined) break;
    if (c === '{' && depth === 0) {
      if (!isDefault && !extendsSomething) return undefined;
      return { name, isDefault, bodyAt: scanner.pos };
    }
    if (c === '"' || c === "'" || c === '`') {
      scanner.pos = skipString(scanner.text, scanner.pos);
    } else if (IDENTIFIER_START.test(c)) {
      if (scanner.readIdentifier() === 'extends' && depth === 0) extendsSomething = true;
    } else if (c === '=' && scanner.text[scanner.pos + 1] === '>') {
      scanner.pos += 2;
    } else {
      if (c === '(' || c === '[' || c === '<' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '>' || c === '}') depth--;
      scanner.pos++;
    }
  }
  return undefined;
}

/**
 * The header members (`static revision = …` and the others of {@link HEADER_STATICS})
 * declared at the top level of the class body that opens at `bodyAt`; the last one wins,
 * as it does when the class is evaluated.
 */
function readHeaderStatics(source: string, bodyAt: number): Map<string, StaticValue> {
  const statics = new Map<string, StaticValue>();
  const scanner = new Scanner(source, bodyAt + 1);
  let depth = 0;
  for (;;) {
    scanner.skipTrivia();
    const c = source[scanner.pos];
    if (c === undefined) break;
    if (c === '"' || c === "'" || c === '`') {
      scanner.pos = skipString(source, scanner.pos);
    } else if (c === '{' || c === '(' || c === '[') {
      depth++;
      scanner.pos++;
    } else if (c === '}' || c === ')' || c === ']') {
      if (depth === 0) break;
      depth--;
      scanner.pos++;
    } else if (IDENTIFIER_START.test(c)) {
      // In a class body, `static` is a reserved word: at the top level it is a modifier
      // (or a member named `static`, which readStaticMember leaves alone).
      if (scanner.readIdentifier() === 'static' && depth === 0) readStaticMember(scanner, statics);
    } else {
      scanner.pos++;
    }
  }
  return statics;
}

/** Reads the member after `static` when it is a header member; otherwise leaves it to the body's scan. */
function readStaticMember(scanner: Scanner, statics: Map<string, StaticValue>): void {
  let name = readMemberName(scanner);
  while (name !== undefined && MODIFIERS.has(name) && startsMemberName(scanner)) name = readMemberName(scanner);
  if (name === undefined || !HEADER_STATICS.has(name)) return;
  let next = scanner.peek();
  if (next === '(' || next === '<') {
    // A static method or accessor: its value is computed.
    statics.set(name, UNREADABLE);
    return;
  }
  if (next === '?' || next === '!') {
    scanner.pos++;
    next = scanner.peek();
  }
  if (next === ':') {
    scanner.pos++;
    skipType(scanner);
  }
  if (scanner.peek() !== '=') {
    statics.set(name, NO_VALUE);
    return;
  }
  scanner.pos++;
  const before = scanner.pos;
  const value = readLiteral(scanner);
  if (value === UNREADABLE || !endsInitializer(scanner)) {
    // Let the body's scan step over the whole initializer (its brackets included).
    scanner.pos = before;
    statics.set(name, UNREADABLE);
    return;
  }
  statics.set(name, value);
}

function readMemberName(scanner: Scanner): string | undefined {
  return scanner.readIdentifier() ?? scanner.readStringLiteral();
}

function startsMemberName(scanner: Scanner): boolean {
  const c = scanner.peek();
  return c !== undefined && (IDENTIFIER_START.test(c) || c === '"' || c === "'");
}

/**
 * Whether the literal just read is the whole initializer: followed by `;`, the class's
 * `}`, or a line break before the next member, optionally after a type assertion
 * (`as const`). `'a' + suffix` is not a literal.
 */
function endsInitializer(scanner: Scanner): boolean {
  if (scanner.peekIdentifier() === 'as') {
    scanner.readIdentifier();
    skipType(scanner);
  }
  const end = scanner.pos;
  const next = scanner.peek();
  if (next === undefined || next === ';' || next === '}') return true;
  const lineBreak = scanner.text.slice(end, scanner.pos).includes('\n');
  // After a line break only the start of another member ends it: `'a'\n + x` and `'a'\n['x']` go on.
  return lineBreak && (IDENTIFIER_START.test(next) || next === '#' || next === '@' || next === '"' || next === "'");
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
    if (c === '"' || c === "'" || c === '`') {
      scanner.pos = skipString(text, scanner.pos);
      last = 'string';
    } else if (c === '=' && text[scanner.pos + 1] === '>') {
      scanner.pos += 2;
      last = '=>';
    } else if (IDENTIFIER_START.test(c)) {
      scanner.readIdentifier();
      last = 'word';
    } else {
      if (c === '(' || c === '[' || c === '<' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '>' || c === '}') depth--;
      scanner.pos++;
      last = c;
    }
  }
}

/**
 * The header the statics declare.
 *
 * @throws {MalformedMigrationError} for a missing `revision` or `downRevision`, or a header member that is not a literal of its kind.
 */
function toHeader(statics: ReadonlyMap<string, StaticValue>, name: string, file: string): MigrationHeader {
  const malformed = (problem: string): MalformedMigrationError =>
    new MalformedMigrationError(file, `its class ${name} ${problem}`, { migrationClass: name });
  const read = (key: string): Literal | undefined => {
    const value = statics.get(key);
    if (value === NO_VALUE) throw malformed(`declares \`static ${key}\` without a value`);
    if (value === UNREADABLE) {
      throw malformed(
        `sets \`static ${key}\` to something other than a literal (a string, null, or an array of strings), and cgmigrate reads it without importing the file`,
      );
    }
    return value;
  };
  const revisionList = (key: string): string | readonly string[] | null | undefined => {
    const value = read(key);
    if (typeof value === 'boolean') throw malformed(`sets \`static ${key}\` to ${value}, not a revision id, a list of them, or null`);
    return value;
  };

  const revision = read('revision');
  if (revision === undefined) {
    throw malformed("has no `static revision`: a migration class declares its revision id there, as a string literal");
  }
  if (typeof revision !== 'string') throw malformed('sets `static revision` to something other than a string literal');
  const downRevision = revisionList('downRevision');
  if (downRevision === undefined) {
    throw malformed('has no `static downRevision`: the revision(s) it follows, or null for the first revision');
  }
  const message = read('message');
  if (message !== undefined && message !== null && typeof message !== 'string') {
    throw malformed('sets `static message` to something other than a string literal');
  }
  return {
    revision,
    downRevision,
    branchLabels: revisionList('branchLabels'),
    dependsOn: revisionList('dependsOn'),
    message: message ?? name,
  };
}

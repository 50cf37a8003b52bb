/**
 * The one edit adopting a MikroORM migration makes to its file: the revision graph's two
 * fields as the first members of its class, everything else left byte for byte.
 *
 * ```ts
 * export class Migration20241116000002 extends Migration {
 *   static revision = '9a8b7c6d5e4f';
 *   static downRevision = '1f0c3a9b2d4e';
 *
 *   override async up(): Promise<void> { … }
 * }
 * ```
 */

import { readExportedClasses, singleQuotedLiteral, type ExportedClass, type HeaderStatic } from '@cloudguard/migrate-core/adapter';

/** The graph fields an adopted class carries. */
export interface MigrationClassStatics {
  readonly revision: string;
  /** The previous adopted revision, the project's head before the first one, or `null` for a first revision. */
  readonly downRevision: string | null;
}

/** What {@link annotateMigrationClass} made of a file. */
export type ClassAnnotation =
  /** The statics were added: `text` is the new file. */
  | { readonly kind: 'annotated'; readonly text: string; readonly className: string | undefined }
  /** The class already has these statics, with these values: the file stays as it is. */
  | { readonly kind: 'unchanged'; readonly className: string | undefined }
  /** The class has `static revision` or `static downRevision` with other values (`found`, as written). */
  | { readonly kind: 'different'; readonly found: Readonly<Record<'revision' | 'downRevision', string | undefined>> }
  /** No class to annotate: `problem` says why. */
  | { readonly kind: 'no-class'; readonly problem: string };

/** An exported class whose body closes: one MikroORM can run. */
type MigrationClassLocation = ExportedClass & { readonly bodyEnd: number };

/**
 * Adds `static revision` and `static downRevision` as the first members of the class
 * MikroORM runs from `source` (see {@link findMigrationClass}), indented like the body's
 * first member and with the file's own line ending (CRLF stays CRLF). A file whose class
 * already declares them is `unchanged` when their values are these, `different`
 * otherwise; it is never annotated twice.
 *
 * ### Examples
 * ```ts
 * annotateMigrationClass(source, { revision: '1f0c3a9b2d4e', downRevision: null })
 * // { kind: 'annotated', text: "…export class Migration20241116000001 extends Migration {\n  static revision = '1f0c3a9b2d4e';\n  static downRevision = null;\n…", … }
 * ```
 */
export function annotateMigrationClass(source: string, statics: MigrationClassStatics): ClassAnnotation {
  const location = findMigrationClass(source);
  if (location === undefined) {
    return { kind: 'no-class', problem: 'it exports no class (export class … extends Migration)' };
  }
  const revision = location.statics.get('revision');
  const downRevision = location.statics.get('downRevision');
  if (revision !== undefined || downRevision !== undefined) {
    if (literalOf(revision) === statics.revision && literalOf(downRevision) === statics.downRevision) return { kind: 'unchanged', className: location.name };
    return { kind: 'different', found: { revision: describeValue(revision), downRevision: describeValue(downRevision) } };
  }
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const declarationLine = source.lastIndexOf('\n', location.declarationStart) + 1;
  const declarationIndent = /^[ \t]*/.exec(source.slice(declarationLine))![0];
  const indent = memberIndent(source, location.bodyStart, location.bodyEnd, declarationIndent);
  const lines = [
    `static revision = ${singleQuotedLiteral(statics.revision)};`,
    `static downRevision = ${statics.downRevision === null ? 'null' : singleQuotedLiteral(statics.downRevision)};`,
  ];
  const afterBrace = location.bodyStart + 1;
  const rest = source.slice(afterBrace);
  const onSameLine = /^[ \t]*(?=\S)/.exec(rest);
  // A body that goes on after `{` on its line continues on a line of its own; a `}` right after it closes at the declaration's indent.
  const tail =
    onSameLine === null ? rest : `${eol}${afterBrace + onSameLine[0].length === location.bodyEnd ? declarationIndent : indent}${rest.slice(onSameLine[0].length)}`;
  const text = source.slice(0, afterBrace) + lines.map((line) => `${eol}${indent}${line}`).join('') + tail;
  return { kind: 'annotated', text, className: location.name };
}

/**
 * The revision and parent an adopted file's class declares, or `undefined` for a file
 * with no class or neither static; a value not written as a literal is `undefined`.
 */
export function readMigrationClassStatics(source: string): Readonly<Record<'revision' | 'downRevision', string | null | undefined>> | undefined {
  const location = findMigrationClass(source);
  if (location === undefined) return undefined;
  const { statics } = location;
  if (!statics.has('revision') && !statics.has('downRevision')) return undefined;
  return { revision: literalOf(statics.get('revision')), downRevision: literalOf(statics.get('downRevision')) };
}

/**
 * The class MikroORM instantiates from a file: of its exports that are functions, the
 * first in the module namespace's order (by export name, as JavaScript sorts strings),
 * here among the exported classes, since a migration file exports nothing else. Core's
 * header reader picks differently (the default export, else the one class that extends
 * another), because what it reads must be the migration cgmigrate runs.
 */
function findMigrationClass(source: string): MigrationClassLocation | undefined {
  const exportName = (location: MigrationClassLocation) => (location.isDefault ? 'default' : (location.name ?? ''));
  return readExportedClasses(source)
    .classes.filter((location): location is MigrationClassLocation => location.bodyEnd !== undefined)
    .sort((a, b) => (exportName(a) < exportName(b) ? -1 : exportName(a) > exportName(b) ? 1 : 0))[0];
}

/** A static's value when it is a string or `null` literal. */
function literalOf(value: HeaderStatic | undefined): string | null | undefined {
  return value?.kind === 'literal' && (typeof value.value === 'string' || value.value === null) ? value.value : undefined;
}

/** The indentation of the body's first member; without one, the declaration's plus two spaces (a tab in a file indented with tabs). */
function memberIndent(source: string, bodyStart: number, bodyEnd: number, declarationIndent: string): string {
  const body = source.slice(bodyStart + 1, bodyEnd);
  const firstMember = /\r?\n([ \t]*)\S/.exec(body);
  if (firstMember) return firstMember[1]!;
  return declarationIndent + (/^\t/m.test(source) ? '\t' : '  ');
}

/** A static's value as a message shows it: a literal as written plainly, anything else by its text or what it is. */
function describeValue(value: HeaderStatic | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.kind === 'no-value') return '(no value)';
  if (value.kind === 'not-a-literal') return value.initializer ?? '(a method or accessor)';
  const literal = value.value;
  if (literal === null) return 'null';
  if (typeof literal === 'string') return `'${literal}'`;
  if (typeof literal === 'boolean') return String(literal);
  return `[${literal.map((item) => `'${item}'`).join(', ')}]`;
}

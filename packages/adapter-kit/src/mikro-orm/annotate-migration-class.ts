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

import { findMigrationClass, maskNonCode, readStaticMembers, type StaticValue } from './migration-class-source.js';

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

/**
 * Adds `static revision` and `static downRevision` as the first members of the class
 * MikroORM runs from `source` (see `findMigrationClass`), indented like the body's first
 * member and with the file's own line ending (CRLF stays CRLF). A file whose class
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
  const masked = maskNonCode(source);
  const location = findMigrationClass(source, masked);
  if (location === undefined) {
    return { kind: 'no-class', problem: 'it exports no class (export class … extends Migration)' };
  }
  const members = readStaticMembers(source, location, masked);
  const revision = members.get('revision');
  const downRevision = members.get('downRevision');
  if (revision !== undefined || downRevision !== undefined) {
    if (revision === statics.revision && downRevision === statics.downRevision) return { kind: 'unchanged', className: location.name };
    return { kind: 'different', found: { revision: describeValue(revision), downRevision: describeValue(downRevision) } };
  }
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const declarationIndent = /^[ \t]*/.exec(source.slice(location.declarationStart))![0];
  const indent = memberIndent(source, location.bodyStart, location.bodyEnd, declarationIndent);
  const lines = [`static revision = ${quote(statics.revision)};`, `static downRevision = ${statics.downRevision === null ? 'null' : quote(statics.downRevision)};`];
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
  const masked = maskNonCode(source);
  const location = findMigrationClass(source, masked);
  if (location === undefined) return undefined;
  const members = readStaticMembers(source, location, masked);
  if (!members.has('revision') && !members.has('downRevision')) return undefined;
  const literal = (value: StaticValue | undefined) => (typeof value === 'string' || value === null ? value : undefined);
  return { revision: literal(members.get('revision')), downRevision: literal(members.get('downRevision')) };
}

/** The indentation of the body's first member; without one, the declaration's plus two spaces (a tab in a file indented with tabs). */
function memberIndent(source: string, bodyStart: number, bodyEnd: number, declarationIndent: string): string {
  const body = source.slice(bodyStart + 1, bodyEnd);
  const firstMember = /\r?\n([ \t]*)\S/.exec(body);
  if (firstMember) return firstMember[1]!;
  return declarationIndent + (/^\t/m.test(source) ? '\t' : '  ');
}

function quote(id: string): string {
  return `'${id.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function describeValue(value: StaticValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  return typeof value === 'string' ? `'${value}'` : value.unreadable;
}

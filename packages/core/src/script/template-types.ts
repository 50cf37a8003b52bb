/**
 * The TypeScript of a migration the revision template wrote, erased without Node's type
 * stripper (`module.stripTypeScriptTypes`, which costs about as much per file as loading
 * the migration does, and tens of milliseconds to load): a run of 1,000 migrations
 * strips every one of them, every time, since what runs is compiled from the file read
 * in that run.
 *
 * Only the template's two pieces of TypeScript are erased, each exactly as Node's
 * stripper erases it (the same characters become spaces, so lines and columns stay):
 *
 * - `import type { … } from '…';` statements before any code (only comments and white
 *   space before them, so they cannot be inside a string or a comment);
 * - `satisfies Name` (or `A.B`) closing the file, before its last `;`.
 *
 * The caller compiles the result as JavaScript and, when that fails, strips the source
 * with Node's stripper instead. That makes the shortcut exact for a file with no `<` in
 * it (refused here): any other TypeScript left in it (an annotation, `as`, `!`,
 * `enum`, a modifier, …) is a syntax error to JavaScript, and the only TypeScript that
 * JavaScript would read with another meaning, type arguments (`f<T>(x)`, `new C<T>()`),
 * needs a `<`.
 *
 * @returns the source with those pieces blanked, or `undefined` when it has a `<` or
 *   neither piece.
 */
export function eraseTemplateTypes(source: string): string | undefined {
  if (source.includes('<')) return undefined;
  let text = source;
  let changed = false;
  let position = skipCommentsAndSpace(text, 0);
  for (;;) {
    TYPE_IMPORT.lastIndex = position;
    const match = TYPE_IMPORT.exec(text);
    if (match === null) break;
    text = blank(text, position, position + match[0].length);
    changed = true;
    position = skipCommentsAndSpace(text, position + match[0].length);
  }
  const satisfies = CLOSING_SATISFIES.exec(text);
  if (satisfies !== null) {
    const start = satisfies.index;
    text = blank(text, start, start + satisfies[1]!.length);
    changed = true;
  }
  return changed ? text : undefined;
}

/** A type-only import statement with named specifiers, at the position it is tried at. */
const TYPE_IMPORT = /import[ \t]+type[ \t]*\{[\w$\s,]*\}[ \t]*from[ \t]*(?:'[^'\\\n]*'|"[^"\\\n]*")[ \t]*;/y;

/** ` satisfies Name` before the file's last `;` and trailing white space. */
const CLOSING_SATISFIES = /([ \t]+satisfies[ \t]+[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[ \t]*)(?=;\s*$)/;

/** The position after the white space and complete comments that start at `position`. */
function skipCommentsAndSpace(text: string, position: number): number {
  for (;;) {
    while (position < text.length && /\s/.test(text[position]!)) position++;
    if (text.startsWith('/*', position)) {
      const end = text.indexOf('*/', position + 2);
      if (end === -1) return position;
      position = end + 2;
    } else if (text.startsWith('//', position)) {
      const end = text.indexOf('\n', position);
      if (end === -1) return text.length;
      position = end + 1;
    } else {
      return position;
    }
  }
}

/** `text` with `start`…`end` turned into spaces, its line breaks kept. */
function blank(text: string, start: number, end: number): string {
  return text.slice(0, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ') + text.slice(end);
}

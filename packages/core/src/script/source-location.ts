import module from 'node:module';
import { pathToFileURL } from 'node:url';
import type { SourceLocation } from '../errors.js';
import { stripTypesQuietly } from './strip-types-quietly.js';

/** Causes followed from the error given, at most. */
const MAX_CAUSES = 5;

/**
 * Where in `file` an error arose: the first stack frame in `file` of `error` or of one of
 * its causes, or, for a syntax error, the position its stack begins with
 * (`file:///…/a1.ts:6` above the source line and a `^` under the column, as Node's
 * TypeScript stripper and V8's scripts report it). Frames name the file by its `file:`
 * URL (an imported module, a migration run as a script) or by its path.
 *
 * ### Examples
 * ```ts
 * locateInStack(typeError, '/app/migrations/versions/a1.ts') // { path: '/app/migrations/versions/a1.ts', line: 6, column: 7 }
 * ```
 *
 * @returns `undefined` when no stack names `file`.
 */
export function locateInStack(error: unknown, file: string): SourceLocation | undefined {
  const names = [pathToFileURL(file).href, file];
  let current = error;
  for (let depth = 0; depth <= MAX_CAUSES && current instanceof Error; depth++) {
    const stack = typeof current.stack === 'string' ? current.stack : '';
    const found = syntaxErrorPosition(stack, (name) => names.includes(name)) ?? firstFrameIn(stack, names);
    if (found !== undefined) return { path: file, ...found };
    current = current.cause;
  }
  return undefined;
}

/**
 * Where a migration's text fails to parse, by Node's TypeScript parser (`module.stripTypeScriptTypes`,
 * which reads JavaScript too): for a syntax error whose stack gives no position, which is
 * what `import()` of a JavaScript module throws. `undefined` when the parser accepts the
 * text (V8 alone refuses it) or Node has no such parser.
 */
export function locateSyntaxError(source: string, file: string): SourceLocation | undefined {
  if (typeof module.stripTypeScriptTypes !== 'function') return undefined;
  try {
    stripTypesQuietly(source);
    return undefined;
  } catch (error) {
    const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
    const found = syntaxErrorPosition(stack, (name) => name === '');
    return found === undefined ? undefined : { path: file, ...found };
  }
}

/**
 * The position a syntax error's stack begins with: `<name>:<line>`, some lines of source,
 * the line with the error, then `^` under its column (one per character it spans).
 */
function syntaxErrorPosition(stack: string, isFile: (name: string) => boolean): { line: number; column: number } | undefined {
  const end = stack.indexOf('\n\n');
  if (end === -1) return undefined;
  const lines = stack.slice(0, end).split('\n');
  const header = /^(.*):(\d+)$/.exec(lines[0] ?? '');
  if (header === null || !isFile(header[1]!)) return undefined;
  const caret = lines.findIndex((line, index) => index >= 2 && /^\s*\^+\s*$/.test(line));
  if (caret === -1) return undefined;
  return { line: Number(header[2]), column: lines[caret]!.indexOf('^') + 1 };
}

/** The line and column of the first frame that names one of `names`, as `(<name>:6:7)` or `at <name>:6:7`. */
function firstFrameIn(stack: string, names: readonly string[]): { line: number; column: number } | undefined {
  for (const frame of stack.split('\n')) {
    if (!/^\s+at /.test(frame)) continue;
    for (const name of names) {
      const at = frame.lastIndexOf(`${name}:`);
      if (at === -1) continue;
      const position = /^:(\d+):(\d+)\)?$/.exec(frame.slice(at + name.length).trimEnd());
      if (position !== null) return { line: Number(position[1]), column: Number(position[2]) };
    }
  }
  return undefined;
}

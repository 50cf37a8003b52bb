import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '@cloudguard/migrate-core';

/**
 * A location in a migration as `path:line:column`, the form editors and terminals open
 * at that line: the path relative to `cwd` when the file is below it, absolute otherwise.
 *
 * ### Examples
 * ```ts
 * formatSourceLocation({ path: '/app/migrations/versions/a1.ts', line: 6, column: 7 }, '/app')
 * // 'migrations/versions/a1.ts:6:7'
 * ```
 */
export function formatSourceLocation(location: SourceLocation, cwd: string): string {
  const relative = path.relative(cwd, location.path);
  const shown = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? location.path : relative;
  return `${shown}:${location.line}:${location.column}`;
}

/** Whether an error's `location` field holds a {@link SourceLocation} (errors from another copy of core included). */
export function isSourceLocation(value: unknown): value is SourceLocation {
  const location = value as Partial<SourceLocation> | null | undefined;
  return (
    typeof location === 'object' &&
    location !== null &&
    typeof location.path === 'string' &&
    Number.isInteger(location.line) &&
    Number.isInteger(location.column)
  );
}

/**
 * The frames of a migration's own error that lie in its script location (the folder
 * above `versions/`), as `    at up (migrations/versions/a1.ts:6:7)` with paths shown
 * as {@link formatSourceLocation} shows them: what `--verbose` adds under the error,
 * like the lines of Alembic's traceback that point into the project. cgmigrate's own
 * frames, the driver's and Node's are left out.
 *
 * ### Examples
 * ```ts
 * migrationFrames(typeError.stack, { path: '/app/migrations/versions/a1.ts', line: 6, column: 7 }, '/app')
 * // ['    at Object.up (migrations/versions/a1.ts:6:7)']
 * ```
 */
export function migrationFrames(stack: string, location: SourceLocation, cwd: string): string[] {
  const scriptLocation = path.dirname(path.dirname(location.path)) + path.sep;
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const frame = /^(\s+at (?:.*\()?)(file:\/\/\S+?|\/\S+?):(\d+):(\d+)(\)?)$/.exec(line.trimEnd());
    if (frame === null) continue;
    const [, before, name, row, column, after] = frame;
    let file: string;
    try {
      file = name!.startsWith('file:') ? fileURLToPath(name!) : name!;
    } catch {
      continue;
    }
    if (!file.startsWith(scriptLocation)) continue;
    frames.push(`${before}${formatSourceLocation({ path: file, line: Number(row), column: Number(column) }, cwd)}${after}`);
  }
  return frames;
}

/** The warning Node prints when it parses a `.ts`/`.js` file as ESM under a `package.json` without `"type"`. */
export const TYPELESS_PACKAGE_WARNING = 'MODULE_TYPELESS_PACKAGE_JSON';

const INSTALLED = Symbol.for('@cloudguard/migrate-cli/typeless-warning-filter');

type EmitWarning = typeof process.emitWarning;

/**
 * Stops Node's `[MODULE_TYPELESS_PACKAGE_JSON] Warning: Module type of file … is not
 * specified` for the config and migration files cgmigrate imports: a project whose
 * package.json has no `"type"` loads them fine, and the advice to change its
 * package.json is noise for someone running migrations. Every other warning is still
 * printed. Installing it twice has no further effect.
 *
 * ### Examples
 * ```ts
 * silenceTypelessPackageWarning();
 * await import(pathToFileURL('cgmigrate.config.ts').href); // no warning
 * ```
 */
export function silenceTypelessPackageWarning(target: NodeJS.Process = process): void {
  const marked = target as NodeJS.Process & { [INSTALLED]?: true };
  if (marked[INSTALLED]) return;
  marked[INSTALLED] = true;
  const emitWarning: EmitWarning = target.emitWarning;
  target.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (warningCode(warning, rest[0], rest[1]) === TYPELESS_PACKAGE_WARNING) return;
    (emitWarning as (...args: unknown[]) => void).call(target, warning, ...rest);
  } as EmitWarning;
}

/** The code of an `emitWarning(warning, options | type, code)` call, in any of its forms. */
function warningCode(warning: string | Error, second: unknown, third: unknown): unknown {
  if (warning instanceof Error) return (warning as Error & { code?: unknown }).code;
  if (typeof second === 'object' && second !== null) return (second as { code?: unknown }).code;
  return third;
}

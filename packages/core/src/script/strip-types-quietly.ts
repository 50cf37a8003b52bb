import module from 'node:module';

/**
 * `module.stripTypeScriptTypes` without the `ExperimentalWarning` it prints once per
 * process: the user imports TypeScript migrations, which Node strips the same way
 * without a warning, and would not know what to make of it.
 */
export function stripTypesQuietly(source: string): string {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const message = typeof warning === 'string' ? warning : warning.message;
    if (message.includes('stripTypeScriptTypes')) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return module.stripTypeScriptTypes(source);
  } finally {
    process.emitWarning = emitWarning;
  }
}

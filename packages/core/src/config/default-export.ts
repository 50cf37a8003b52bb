/**
 * The exports of a module that `import()` returned, as the file wrote them: of a config
 * file here, of a migration in the script directory (which sits above config).
 *
 * A loader that compiles ES modules to CommonJS hands `import()` the CommonJS exports as
 * the default, marked `__esModule` (Babel's interop mark), as Node does for a CommonJS file
 * compiled by `tsc`: jiti does so, and MikroORM's CLI registers jiti when the project has
 * it, so `mikro-orm migration:up` would otherwise see `{ __esModule, default }` instead of a
 * migration or a config. The file's own exports are then that marked object.
 *
 * ### Examples
 * ```ts
 * fileExports(await import('./versions/a1.ts')).default // the migration, with or without jiti
 * ```
 */
export function fileExports(module: unknown): Readonly<Record<string, unknown>> {
  const exported = (module as { default?: unknown } | null | undefined)?.default;
  if (typeof exported === 'object' && exported !== null && (exported as { __esModule?: unknown }).__esModule === true) {
    return exported as Record<string, unknown>;
  }
  return (module ?? {}) as Record<string, unknown>;
}

/**
 * The default export of a module that `import()` returned, as the file wrote it (see
 * {@link fileExports}).
 *
 * ### Examples
 * ```ts
 * defaultExport(await import('./cgmigrate.config.ts')) // { url: … }, with or without jiti
 * ```
 */
export function defaultExport(module: unknown): unknown {
  return fileExports(module)['default'];
}

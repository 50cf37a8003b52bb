/**
 * The default export of a module that `import()` returned, as the file wrote it: of a
 * config file here, of a migration in the script directory (which sits above config).
 *
 * A loader that compiles ES modules to CommonJS hands `import()` the CommonJS exports as
 * the default, marked `__esModule` (Babel's interop mark): jiti does so, and MikroORM's
 * CLI registers jiti when the project has it, so `mikro-orm migration:up` would otherwise
 * see `{ __esModule, default }` instead of a migration or a config. The file's own default
 * export is then the marked object's `default`.
 *
 * ### Examples
 * ```ts
 * defaultExport(await import('./cgmigrate.config.ts')) // { url: … }, with or without jiti
 * ```
 */
export function defaultExport(module: unknown): unknown {
  const exported = (module as { default?: unknown } | null | undefined)?.default;
  if (typeof exported === 'object' && exported !== null && (exported as { __esModule?: unknown }).__esModule === true && 'default' in exported) {
    return (exported as { default: unknown }).default;
  }
  return exported;
}

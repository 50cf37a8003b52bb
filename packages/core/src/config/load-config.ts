import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigInvalidError, ConfigNotFoundError } from '../errors.js';
import { DEFAULT_AUDIT_TABLE, type DialectAdapter } from '../adapter/dialect-adapter.js';
import { checkLockRetry, resolveLockRetry } from './lock-retry-policy.js';
import { closestName } from '../closest-name.js';
import { LINT_RULES, lintRule } from '../lint/lint-rules.js';
import { checkPostWriteHook } from '../hooks/post-write-hooks.js';
import { describeThrown, readConfigObject } from './read-config-object.js';
import { defaultExport } from './default-export.js';
import {
  DEFAULT_DATABASE_URL,
  DEFAULT_FILE_TEMPLATE,
  DEFAULT_LOCK_WAIT,
  DEFAULT_SCRIPT_LOCATION,
  DEFAULT_VERSION_TABLE,
  type MigrateConfig,
  type ResolvedConfig,
} from './define-config.js';

/** Config file names looked for in the working directory, in this order. */
export const CONFIG_FILE_NAMES = [
  'cgmigrate.config.ts',
  'cgmigrate.config.mts',
  'cgmigrate.config.js',
  'cgmigrate.config.mjs',
  'cgmigrate.config.json',
] as const;

/** Where {@link loadConfig} looks and what overrides the file. */
export interface LoadConfigOptions {
  /** Working directory; default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** An explicit config file (`--config`); it must exist. */
  readonly configPath?: string | undefined;
  /** A URL that wins over everything (`--url`). */
  readonly url?: string | undefined;
  /** Environment read for `DATABASE_URL`; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Values that win over the config file's, for programmatic callers. */
  readonly overrides?: MigrateConfig | undefined;
  /**
   * A configuration given in code, used instead of a config file: no file is looked
   * for, and relative paths resolve against `cwd`. Validated like a file's.
   */
  readonly inline?: MigrateConfig | undefined;
}

/**
 * Resolves the configuration the way every command does: the URL from `--url`, then
 * `DATABASE_URL`, then the config file, then `sqlite:///cloudguard.db`; every other
 * key from the config file or its default.
 *
 * ### Examples
 * ```ts
 * const config = await loadConfig({ cwd: '/srv/cloudguard' });
 * ```
 * @throws {ConfigNotFoundError} when `configPath` does not exist.
 * @throws {ConfigInvalidError} when the file cannot be loaded or a key has a wrong value.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const configPath = options.inline ? undefined : findConfigFile(cwd, options.configPath);
  const fileConfig = options.inline ? readConfigObject(options.inline, undefined) : configPath ? await importConfigFile(configPath) : {};
  const overrides = options.overrides ? readConfigObject(options.overrides, undefined) : {};
  const config: MigrateConfig = { ...fileConfig, ...definedEntries(overrides) };
  validateConfig(config, configPath);

  const baseDir = configPath ? path.dirname(configPath) : cwd;
  const [url, urlSource] = chooseUrl(options.url, env['DATABASE_URL'], config.url);
  const lockTimeout = config.lockTimeout;
  return {
    cwd,
    url,
    urlSource,
    configPath,
    shadowUrl: config.shadowUrl,
    scriptLocation: path.resolve(baseDir, config.scriptLocation ?? DEFAULT_SCRIPT_LOCATION),
    versionTable: { name: config.versionTable ?? DEFAULT_VERSION_TABLE, schema: config.versionTableSchema },
    auditTable: { name: config.auditTable ?? DEFAULT_AUDIT_TABLE, schema: config.versionTableSchema },
    fileTemplate: config.fileTemplate ?? DEFAULT_FILE_TEMPLATE,
    truncateSlugLength: config.truncateSlugLength ?? 40,
    adapter: config.adapter,
    entities: config.entities ?? [],
    transactionPerMigration: config.transactionPerMigration ?? false,
    lockWait:
      lockTimeout === undefined
        ? DEFAULT_LOCK_WAIT
        : lockTimeout === 'fail'
          ? { mode: 'fail' }
          : { mode: 'wait', timeoutMs: lockTimeout },
    lockRetry: resolveLockRetry(config.lockRetry),
    stepTimeoutMs: config.stepTimeout === undefined || config.stepTimeout === 'off' ? undefined : config.stepTimeout,
    autogenerateAs: config.autogenerateAs ?? 'operations',
    schemaFilter: {
      includeTables: config.includeTables,
      excludeTables: config.excludeTables,
      includeObject: config.includeObject,
    },
    postWriteHooks: config.postWriteHooks ?? [],
    expectedHeads: config.expectedHeads,
    reviewedConflicts: config.reviewedConflicts ?? [],
    lintRules: config.lint?.rules ?? {},
    safeAutogenerate: config.lint?.safeAutogenerate ?? false,
    ...(config.targets === undefined ? {} : { targets: config.targets }),
  };
}

function findConfigFile(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    const resolved = path.resolve(cwd, explicit);
    if (!existsSync(resolved)) throw new ConfigNotFoundError(resolved);
    return resolved;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = path.join(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The config a file exports: its default export, or what a default-exported function
 * returns or a default-exported promise resolves to, read once (see {@link readConfigObject}).
 *
 * @throws {ConfigInvalidError} when the module throws as it loads, its function throws
 *   or its promise rejects, it exports no object, or reading a value throws.
 */
async function importConfigFile(file: string): Promise<MigrateConfig> {
  let loaded: unknown;
  try {
    if (file.endsWith('.json')) {
      loaded = JSON.parse(readFileSync(file, 'utf8'));
    } else {
      loaded = defaultExport(await import(pathToFileURL(file).href));
    }
  } catch (error) {
    throw new ConfigInvalidError(file, `it could not be loaded: ${describeThrown(error)}`, { cause: error, missingPackage: missingPackageOf(error) });
  }
  if (typeof loaded === 'function') {
    try {
      loaded = await (loaded as () => unknown)();
    } catch (error) {
      throw new ConfigInvalidError(file, `its default export, a function, threw: ${describeThrown(error)}`, { cause: error });
    }
  } else if (isThenable(loaded)) {
    try {
      loaded = await loaded;
    } catch (error) {
      throw new ConfigInvalidError(file, `its default export, a promise, rejected: ${describeThrown(error)}`, { cause: error });
    }
  }
  if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded)) {
    throw new ConfigInvalidError(file, 'its default export must be an object (export default { url: … })');
  }
  return readConfigObject(loaded, file);
}

/**
 * The package an `import` could not find (Node's `ERR_MODULE_NOT_FOUND`: "Cannot find
 * package 'x' imported from …"), or `undefined` for any other failure, a missing
 * relative file included.
 */
function missingPackageOf(error: unknown): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  return /^Cannot find package '([^']+)'/.exec((error as Error).message)?.[1];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function chooseUrl(
  flag: string | undefined,
  fromEnv: string | undefined,
  fromFile: string | undefined,
): [string, ResolvedConfig['urlSource']] {
  if (flag) return [flag, 'flag'];
  if (fromEnv) return [fromEnv, 'env'];
  if (fromFile) return [fromFile, 'config'];
  return [DEFAULT_DATABASE_URL, 'default'];
}

type KeyCheck = (value: unknown) => string | undefined;
const checkPostWriteHooks: KeyCheck = (v) => {
  if (!Array.isArray(v)) return 'an array of hooks: { command, args? } objects or functions';
  for (const [index, hook] of v.entries()) {
    const expected = checkPostWriteHook(hook);
    if (expected) return `an array of hooks (entry ${index}: ${expected})`;
  }
  return undefined;
};
const isString: KeyCheck = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a non-empty string');
const isBoolean: KeyCheck = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const isArray: KeyCheck = (v) => (Array.isArray(v) ? undefined : 'an array');
const isStringArray: KeyCheck = (v) =>
  Array.isArray(v) && v.every((item) => typeof item === 'string') ? undefined : 'an array of table names';
const isExpectedHeads: KeyCheck = (v) =>
  Array.isArray(v) && v.length > 0 && v.every((item) => typeof item === 'string' && item.trim() === item && item !== '') && new Set(v).size === v.length
    ? undefined
    : "a non-empty array of branch labels or revision ids, each once (e.g. ['core', 'reporting'])";
const isFunction: KeyCheck = (v) => (typeof v === 'function' ? undefined : 'a function (object, source) => boolean');
const isPositiveInteger: KeyCheck = (v) =>
  Number.isInteger(v) && (v as number) > 0 ? undefined : 'a positive whole number';
const isAdapter: KeyCheck = (v) => {
  if (typeof v === 'string' && v.length > 0) return undefined;
  const adapter = v as Partial<DialectAdapter> | null;
  return typeof adapter === 'object' && adapter !== null && typeof adapter.connect === 'function'
    ? undefined
    : "a dialect adapter object (e.g. sqliteAdapter()) or the name of a package that exports one";
};
/** Adapters derive `<name>_revision_ix` from it, which must fit PostgreSQL's 63-byte identifiers. */
const MAX_AUDIT_TABLE_NAME = 50;
const isAuditTableName: KeyCheck = (v) =>
  typeof v === 'string' && v.length > 0 && Buffer.byteLength(v) <= MAX_AUDIT_TABLE_NAME
    ? undefined
    : `a non-empty table name of at most ${MAX_AUDIT_TABLE_NAME} bytes`;
const isLockTimeout: KeyCheck = (v) =>
  v === 'fail' || (Number.isInteger(v) && (v as number) >= 0) ? undefined : "'fail' or a number of milliseconds";

/** Node's timers take at most 2^31 - 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const isStepTimeout: KeyCheck = (v) =>
  v === 'off' || (Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_TIMER_MS)
    ? undefined
    : `'off' or a positive number of milliseconds (at most ${MAX_TIMER_MS})`;

/** A revision id or the start of one: what `assertValidRevisionId` allows. */
const REVISION_PREFIX = /^[A-Za-z0-9_.]{1,32}$/;
const checkReviewedConflicts: KeyCheck = (v) => {
  const expected = "an array of pairs of revision ids (or their prefixes), e.g. [['3f2a9c', 'b71e04']]";
  if (!Array.isArray(v)) return expected;
  for (const [index, pair] of v.entries()) {
    if (!Array.isArray(pair) || pair.length !== 2) return `${expected} (entry ${index} is not a pair)`;
    for (const id of pair as unknown[]) {
      if (typeof id !== 'string' || !REVISION_PREFIX.test(id)) {
        return `${expected} (entry ${index} holds ${JSON.stringify(id) ?? String(id)}, which is not a revision id: 1 to 32 letters, digits, "_" or ".")`;
      }
    }
    if (pair[0] === pair[1]) return `${expected} (entry ${index} names '${pair[0]}' twice)`;
  }
  return undefined;
};
const LINT_SEVERITIES: ReadonlySet<unknown> = new Set(['error', 'warning', 'off']);
const checkLint: KeyCheck = (v) => {
  const expected = "{ rules?: { RULE_ID: 'error' | 'warning' | 'off' }, safeAutogenerate?: boolean }";
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return expected;
  for (const key of Object.keys(v)) {
    if (key !== 'rules' && key !== 'safeAutogenerate') return `${expected} (unknown key '${key}')`;
  }
  const { rules, safeAutogenerate } = v as { rules?: unknown; safeAutogenerate?: unknown };
  if (safeAutogenerate !== undefined && typeof safeAutogenerate !== 'boolean') return `${expected} (safeAutogenerate is not a boolean)`;
  if (rules === undefined) return undefined;
  if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) return `${expected} (rules is not an object)`;
  for (const [id, severity] of Object.entries(rules)) {
    if (lintRule(id) === undefined) {
      const near = closestName(id, LINT_RULES.map((rule) => rule.id));
      return `${expected} (rules names '${id}', which is no lint rule${near === undefined ? '; the rules are listed in docs/lint.md' : `; did you mean '${near}'?`})`;
    }
    if (!LINT_SEVERITIES.has(severity)) return `${expected} (rules.${id} is ${JSON.stringify(severity) ?? String(severity)})`;
  }
  return undefined;
};
const checkTargets: KeyCheck = (v) => {
  const expected =
    "a targets file, a URL or glob ('sqlite:///tenants/*.db', 'postgresql://db/app#tenant_*'), a list of URLs or { url, schema?, name? } objects, { query, controlUrl }, or a function returning a list";
  if (typeof v === 'string') return v.trim() === '' ? expected : undefined;
  if (typeof v === 'function') return undefined;
  if (Array.isArray(v)) {
    for (const [index, entry] of v.entries()) {
      const ok = typeof entry === 'string' || (typeof entry === 'object' && entry !== null && typeof (entry as { url?: unknown }).url === 'string');
      if (!ok) return `${expected} (entry ${index} is neither)`;
    }
    return undefined;
  }
  if (typeof v === 'object' && v !== null) {
    const { query, controlUrl } = v as { query?: unknown; controlUrl?: unknown };
    return typeof query === 'string' && typeof controlUrl === 'string' ? undefined : `${expected} (an object needs query and controlUrl strings)`;
  }
  return expected;
};
const isDatabaseUrl: KeyCheck = (v) =>
  typeof v === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v) ? undefined : 'a database URL such as postgresql://host/db_shadow';

const KEY_CHECKS: Record<keyof MigrateConfig, KeyCheck> = {
  url: isString,
  scriptLocation: isString,
  versionTable: isString,
  versionTableSchema: isString,
  auditTable: isAuditTableName,
  fileTemplate: isString,
  truncateSlugLength: isPositiveInteger,
  adapter: isAdapter,
  entities: isArray,
  transactionPerMigration: isBoolean,
  lockTimeout: isLockTimeout,
  lockRetry: checkLockRetry,
  stepTimeout: isStepTimeout,
  autogenerateAs: (v) => (v === 'operations' || v === 'sql' ? undefined : "'operations' or 'sql'"),
  includeTables: isStringArray,
  excludeTables: isStringArray,
  includeObject: isFunction,
  postWriteHooks: checkPostWriteHooks,
  expectedHeads: isExpectedHeads,
  reviewedConflicts: checkReviewedConflicts,
  lint: checkLint,
  targets: checkTargets,
  // Last, so that the list of known keys in messages keeps its order as keys are added.
  shadowUrl: isDatabaseUrl,
};

/**
 * Checks every key of a config object; unknown keys are refused so that a typo does
 * not silently fall back to a default. Values are read once, as {@link readConfigObject}
 * does, so a getter that throws is named rather than escaping.
 *
 * @throws {ConfigInvalidError}
 */
export function validateConfig(config: MigrateConfig, configPath?: string): void {
  for (const [key, value] of Object.entries(readConfigObject(config, configPath))) {
    if (!Object.hasOwn(KEY_CHECKS, key)) {
      const known = Object.keys(KEY_CHECKS);
      throw new ConfigInvalidError(configPath, `unknown key '${key}' (known keys: ${known.join(', ')})`, { key, knownKeys: known });
    }
    if (value === undefined) continue;
    let expected: string | undefined;
    try {
      expected = KEY_CHECKS[key as keyof MigrateConfig](value);
    } catch (error) {
      // A getter of a value kept as it is (an adapter object) threw as the check read it.
      throw new ConfigInvalidError(configPath, `reading '${key}' threw: ${describeThrown(error)}`, { cause: error });
    }
    if (expected) throw new ConfigInvalidError(configPath, `'${key}' must be ${expected}`);
  }
}

function definedEntries(config: MigrateConfig): MigrateConfig {
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as MigrateConfig;
}

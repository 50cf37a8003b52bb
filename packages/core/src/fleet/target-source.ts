import { glob, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { AdapterRegistry } from '../adapter/adapter-registry.js';
import { redactSecrets, redactUrl, urlScheme } from '../adapter/database-url.js';
import type { DialectAdapter } from '../adapter/dialect-adapter.js';
import { isMigrateError, TargetSourceInvalidError } from '../errors.js';
import { splitSchema, toTarget, type FleetTarget, type FleetTargetSpec } from './fleet-target.js';

/** A query against a control database whose rows are the targets: a `url` column, optionally `schema` and `name`. */
export interface TargetQuery {
  /** The SQL; each row is a target. */
  readonly query: string;
  /** The database it runs on (it may carry a password: never printed). */
  readonly controlUrl: string;
}

/**
 * Where a fleet's targets come from:
 *
 * - a string: a database URL (`postgresql://db/app`, `postgresql://db/app#tenant_7`),
 *   an SQLite glob (`sqlite:///tenants/*.db`), every schema of a database matching a
 *   pattern (`postgresql://db/app#tenant_*`), or the path of a targets file holding any
 *   of these, one per line (blank lines and lines starting with `#` are skipped);
 * - a list of URLs or `{ url, schema?, name? }` objects;
 * - a {@link TargetQuery} against a control database;
 * - a function returning (a promise of) such a list, e.g. `targets: async () => tenants.map(…)`.
 */
export type FleetTargetSource =
  | string
  | readonly FleetTargetSpec[]
  | TargetQuery
  | (() => readonly FleetTargetSpec[] | Promise<readonly FleetTargetSpec[]>);

/** What reading a source needs. */
export interface TargetSourceContext {
  /** Relative file paths (targets files, SQLite globs and URLs) resolve against it. */
  readonly cwd: string;
  /** Serves the control database of a query and the databases whose schemas a pattern lists. */
  readonly adapters: AdapterRegistry;
  /** The configured adapter, used for a URL whose scheme it serves. */
  readonly adapter?: DialectAdapter | undefined;
}

const WITH_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const GLOB_CHARACTERS = /[*?[]/;

/**
 * Reads a source into its targets, in the source's order (a glob's or a pattern's
 * matches sorted by name).
 *
 * @throws {TargetSourceInvalidError} for a missing targets file, a line that is not a
 *   URL, a glob or pattern that matches nothing, a query that fails or has no `url`
 *   column, or two targets with one name.
 */
export async function readTargetSource(source: FleetTargetSource, context: TargetSourceContext): Promise<FleetTarget[]> {
  const targets = await readSpecs(source, context);
  const seen = new Map<string, number>();
  for (const [index, target] of targets.entries()) {
    const first = seen.get(target.name);
    if (first !== undefined) {
      throw new TargetSourceInvalidError(describeSource(source), `targets ${first + 1} and ${index + 1} have the same name '${target.name}': give them names (name in an object, a name column in a query)`);
    }
    seen.set(target.name, index);
  }
  return targets;
}

/** The source as messages show it: credentials masked. */
export function describeSource(source: FleetTargetSource): string {
  if (typeof source === 'string') return WITH_SCHEME.test(source) ? `'${redactUrl(source)}'` : `file ${source}`;
  if (typeof source === 'function') return 'the targets function of the config';
  if ('query' in source) return `query on ${redactUrl(source.controlUrl)}`;
  return 'the targets list of the config';
}

async function readSpecs(source: FleetTargetSource, context: TargetSourceContext): Promise<FleetTarget[]> {
  const where = describeSource(source);
  if (typeof source === 'string') {
    return WITH_SCHEME.test(source) ? expandUrl(source, where, context) : readTargetsFile(source, context);
  }
  if (typeof source === 'function') {
    let specs: readonly FleetTargetSpec[];
    try {
      specs = await source();
    } catch (error) {
      // It may have failed to reach a database of its own: any URL in its message is masked.
      throw new TargetSourceInvalidError(where, `it threw: ${redactSecrets(error instanceof Error ? error.message : String(error), [])}`, { cause: error });
    }
    return fromSpecs(specs, where, context);
  }
  if (!Array.isArray(source) && 'query' in source) return runTargetQuery(source as TargetQuery, where, context);
  return fromSpecs(source as readonly FleetTargetSpec[], where, context);
}

async function fromSpecs(specs: unknown, where: string, context: TargetSourceContext): Promise<FleetTarget[]> {
  if (!Array.isArray(specs)) throw new TargetSourceInvalidError(where, 'it is not a list of targets');
  const targets: FleetTarget[] = [];
  for (const [index, spec] of (specs as unknown[]).entries()) {
    if (typeof spec === 'string') {
      // An entry of a list, not a line of a file: the error says `entry N`, not `(line N)`.
      targets.push(...(await expandUrl(spec, `${where}, entry ${index + 1}`, context)));
    } else if (typeof spec === 'object' && spec !== null && typeof (spec as { url?: unknown }).url === 'string') {
      const { url, schema, name } = spec as { url: string; schema?: unknown; name?: unknown };
      if (schema !== undefined && typeof schema !== 'string') throw new TargetSourceInvalidError(where, `entry ${index + 1}: schema is not a string`);
      if (name !== undefined && (typeof name !== 'string' || name === '')) throw new TargetSourceInvalidError(where, `entry ${index + 1}: name is not a non-empty string`);
      assertUrl(url, `${where}, entry ${index + 1}`, undefined);
      targets.push(toTarget({ url, schema, name }, context.cwd));
    } else {
      throw new TargetSourceInvalidError(where, `entry ${index + 1} is neither a URL nor a { url, schema?, name? } object`);
    }
  }
  return targets;
}

async function readTargetsFile(file: string, context: TargetSourceContext): Promise<FleetTarget[]> {
  const where = `file ${file}`;
  let text: string;
  try {
    text = await readFile(path.resolve(context.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file (give a targets file, a database URL, or a sqlite:/// glob)' : `it cannot be read (${code ?? String(error)})`;
    throw new TargetSourceInvalidError(where, problem, { cause: error });
  }
  const targets: FleetTarget[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!WITH_SCHEME.test(line)) {
      throw new TargetSourceInvalidError(where, `'${maskLine(line)}' is not a database URL (one URL per line, <url>#<schema> for a schema)`, { line: index + 1 });
    }
    targets.push(...(await expandUrl(line, where, context, index + 1)));
  }
  return targets;
}

/**
 * A line that is no URL, as a message shows it: its credential parameters masked, and
 * anything from its first `:` to its last `@`, the `user:password@` of a URL whose scheme
 * is missing or misspelled (`app:s3cret@db/app`, `postgresql:/app:s3cret@db/app`).
 */
function maskLine(line: string): string {
  return redactSecrets(line, [line]).replace(/:.*@/s, ':***@');
}

async function expandUrl(spec: string, where: string, context: TargetSourceContext, line?: number): Promise<FleetTarget[]> {
  const { url, schema } = splitSchema(spec.trim());
  assertUrl(url, where, line);
  if (schema !== undefined && GLOB_CHARACTERS.test(schema)) return schemasMatching(url, schema, where, context, line);
  if (urlScheme(url) === 'sqlite' && GLOB_CHARACTERS.test(url)) return sqliteFilesMatching(url, where, context, line);
  return [toTarget(spec.trim(), context.cwd)];
}

function assertUrl(url: string, where: string, line: number | undefined): void {
  try {
    urlScheme(url);
  } catch {
    throw new TargetSourceInvalidError(where, `'${redactUrl(url)}' is not a database URL`, { line });
  }
}

/** `sqlite:///tenants/*.db`: every file the glob matches, relative globs against `cwd`, sorted. */
async function sqliteFilesMatching(url: string, where: string, context: TargetSourceContext, line: number | undefined): Promise<FleetTarget[]> {
  const rest = url.slice(url.indexOf(':') + 1);
  if (!rest.startsWith('///')) throw new TargetSourceInvalidError(where, `'${url}' is not a file glob: write sqlite:///relative/*.db or sqlite:////absolute/*.db`, { line });
  const pattern = rest.slice(3).replace(/\?.*$/, '');
  const query = rest.slice(3 + pattern.length);
  const files: string[] = [];
  for await (const match of glob(pattern, { cwd: context.cwd })) files.push(match);
  if (files.length === 0) throw new TargetSourceInvalidError(where, `no file matches ${pattern} (in ${context.cwd})`, { line });
  files.sort();
  return files.map((file) => toTarget(`sqlite:///${file}${query}`, context.cwd));
}

/** `postgresql://db/app#tenant_*`: every schema of the database whose name the pattern matches, sorted. */
async function schemasMatching(url: string, pattern: string, where: string, context: TargetSourceContext, line: number | undefined): Promise<FleetTarget[]> {
  const adapter = await adapterFor(url, context);
  if (adapter.capabilities.schemas !== true) throw new TargetSourceInvalidError(where, `the ${adapter.name} adapter has no schemas to match ${pattern} against`, { line });
  const connection = await connectOrFail(adapter, url, where, context, line);
  let schemas: string[];
  try {
    if (!connection.listSchemas) throw new TargetSourceInvalidError(where, `the ${adapter.name} adapter cannot list schemas`, { line });
    schemas = await connection.listSchemas();
  } finally {
    await connection.close();
  }
  const matcher = globMatcher(pattern);
  const matched = schemas.filter((schema) => matcher.test(schema)).sort();
  if (matched.length === 0) throw new TargetSourceInvalidError(where, `no schema of ${redactUrl(url)} matches ${pattern}`, { line });
  return matched.map((schema) => toTarget({ url, schema }, context.cwd));
}

async function runTargetQuery(source: TargetQuery, where: string, context: TargetSourceContext): Promise<FleetTarget[]> {
  assertUrl(source.controlUrl, where, undefined);
  const adapter = await adapterFor(source.controlUrl, context);
  const connection = await connectOrFail(adapter, source.controlUrl, where, context, undefined);
  let rows: Record<string, unknown>[];
  try {
    rows = await connection.autocommit((session) => session.query(source.query));
  } catch (error) {
    if (error instanceof TargetSourceInvalidError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new TargetSourceInvalidError(where, `the query failed: ${redactSecrets(message, [source.controlUrl])}`, { cause: error });
  } finally {
    await connection.close();
  }
  const specs: FleetTargetSpec[] = [];
  for (const [index, row] of rows.entries()) {
    const url = row['url'];
    if (typeof url !== 'string') {
      const columns = Object.keys(row).join(', ') || 'none';
      throw new TargetSourceInvalidError(where, `row ${index + 1} has no text url column (its columns: ${columns}); select the database URL AS url, and optionally schema and name`);
    }
    const schema = row['schema'];
    const name = row['name'];
    specs.push({
      url,
      schema: typeof schema === 'string' && schema !== '' ? schema : undefined,
      name: typeof name === 'string' && name !== '' ? name : undefined,
    });
  }
  return fromSpecs(specs, where, context);
}

async function adapterFor(url: string, context: TargetSourceContext): Promise<DialectAdapter> {
  const scheme = urlScheme(url);
  if (context.adapter?.schemes.some((served) => served.toLowerCase() === scheme)) return context.adapter;
  return context.adapters.forUrl(url);
}

async function connectOrFail(adapter: DialectAdapter, url: string, where: string, context: TargetSourceContext, line: number | undefined) {
  try {
    // Only a query or the schema list runs on this connection: its version table is never read.
    return await adapter.connect({ url, cwd: context.cwd, versionTable: { name: 'alembic_version' }, purpose: 'inspect' });
  } catch (error) {
    const message = isMigrateError(error) || error instanceof Error ? error.message : String(error);
    throw new TargetSourceInvalidError(where, `cannot connect to ${redactUrl(url)}: ${redactSecrets(message, [url])}`, { line, cause: error });
  }
}

/** A shell-style glob (`*`, `?`, `[abc]`) over a whole name, as a regular expression. */
export function globMatcher(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = pattern.indexOf(']', index + 2);
      if (end < 0) source += '\\[';
      else {
        const body = pattern.slice(index + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        source += `[${body}]`;
        index = end;
      }
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

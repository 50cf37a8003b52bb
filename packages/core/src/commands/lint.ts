/**
 * `cgmigrate lint`: what the migrations will lock, rewrite or destroy, found before they
 * run. Chooses the revisions and what counts as applied, asks the database (when it can
 * be reached) where it is and which server it runs, and hands the rest to
 * {@link lintRevisions}.
 *
 * @packageDocumentation
 */

import type { DialectAdapter } from '../adapter/dialect-adapter.js';
import { DatabaseError, isMigrateError } from '../errors.js';
import { lintRevisions, type LintFinding } from '../lint/lint-revisions.js';
import { StatementFactStore } from '../lint/statement-fact-store.js';
import { branchComparisons } from '../revision/concurrent-revisions.js';
import type { RevisionMap } from '../revision/revision-map.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { loadScripts, resolveAdapter, withConnection, type MigrationEnvironment } from './environment.js';
import { offlineRenderer } from './offline-renderer.js';

/** Options of {@link lint}. */
export interface LintOptions {
  /**
   * Which revisions, in `history`'s range syntax (`ae1027:head`, `base:3f2a`, `-3:`).
   * Unset: the revisions not yet applied to the configured database, or without a
   * reachable database, the heads and their unmerged branches.
   */
  readonly range?: string | undefined;
  /** Every revision. */
  readonly all?: boolean | undefined;
  /** The server version the rules assume (`15`, `12.4`), instead of the connected server's. */
  readonly serverVersion?: string | undefined;
  /**
   * Lint exactly these revisions, judged against `currentHeads` (what `upgrade`, `check`
   * and `verify` use, as they know both); the database is not asked.
   */
  readonly revisions?: readonly string[] | undefined;
  /** The database's current heads, with `revisions`. */
  readonly currentHeads?: readonly string[] | undefined;
  /** Do not ask the database (`verify`, which never touches the configured one): judged as when it cannot be reached. */
  readonly offline?: boolean | undefined;
  /** The scripts, when the caller has loaded them. */
  readonly scripts?: ScriptDirectory | undefined;
  /** Stops the lint; it then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told each revision once the lint has read it (`upgrade`, whose steps follow the lint
   * beside its first transaction). The lint then also lets the event loop run before each
   * revision, so that the database's replies to that run are not held up for the whole lint.
   */
  readonly onRevisionRead?: ((revision: string) => void) | undefined;
}

/**
 * How long one migration's `up()` may take when rendered offline (less when `stepTimeout`
 * is shorter): past it, the migration is reported `NOT_LINTED` and the lint goes on.
 */
export const LINT_RENDER_TIMEOUT_MS = 5000;

/** Which revisions a lint run chose. */
export type LintScope = 'unapplied' | 'unmerged' | 'all' | 'range' | 'given';

/** What the database said, or why it could not be asked. */
export type LintDatabase =
  | { readonly reached: true; readonly serverVersion?: string | undefined }
  | { readonly reached: false; readonly reason: string }
  | { readonly reached: 'not-asked' };

/** What {@link lint} found. */
export interface LintResult {
  /** Errors first, then warnings; each group in revision order, then by line. */
  readonly findings: readonly LintFinding[];
  /** The revisions linted, oldest first. */
  readonly revisions: readonly string[];
  readonly scope: LintScope;
  readonly database: LintDatabase;
  /** The server version the rules assumed; absent: each dialect's default (PostgreSQL 13), which findings that depend on it name. */
  readonly serverVersion?: string | undefined;
  /** Why nothing was linted, when the adapter cannot lint. */
  readonly unavailable?: string | undefined;
  readonly errors: number;
  readonly warnings: number;
}

/**
 * Lints migrations without running them. A revision whose statements a rule flags gets a
 * finding with its file and line; errors (what blocks writes or destroys data, by
 * default) are what `cgmigrate lint` exits 1 for.
 *
 * ### Examples
 * ```ts
 * const { findings, errors } = await lint(env);                 // what the next upgrade would run
 * await lint(env, { range: 'ae1027:head', serverVersion: '12' }); // a range, for an older server
 * ```
 * @throws {InvalidTargetError} for a malformed range.
 * @throws {RevisionNotFoundError} for a range naming no revision.
 */
export async function lint(env: MigrationEnvironment, options: LintOptions = {}): Promise<LintResult> {
  const scripts = options.scripts ?? (await loadScripts(env));
  const adapter = await resolveAdapter(env);
  const asked = options.revisions !== undefined || options.offline === true ? { database: { reached: 'not-asked' as const }, heads: [] } : await askDatabase(env, adapter);
  const { database } = asked;
  const current = options.currentHeads ?? asked.heads;
  const { revisions, scope, isApplied } = chooseRevisions(scripts.map, options, database.reached === true, current);
  const serverVersion = options.serverVersion ?? (database.reached === true ? database.serverVersion : undefined);
  const base = { revisions: [] as string[], scope, database, serverVersion, errors: 0, warnings: 0 };
  if (typeof adapter.statementLinter !== 'function') {
    return { ...base, findings: [], unavailable: `the ${adapter.name} adapter cannot lint SQL (it has no statementLinter)` };
  }
  if (revisions.size === 0) return { ...base, findings: [] };
  const renderer = await offlineRenderer(env, adapter);
  // What the linter parsed of each statement in earlier runs: read on the first statement it parses, written once at the end.
  const factCache = StatementFactStore.forScriptLocation(env.config.scriptLocation);
  const found = await lintRevisions({
    scripts,
    linter: () => adapter.statementLinter!({ url: env.config.url, cwd: env.config.cwd, factCache }),
    renderer,
    dialect: adapter.name,
    revisions,
    isApplied,
    settings: { serverVersion },
    severities: env.config.lintRules,
    cwd: env.config.cwd,
    timeoutMs: Math.min(LINT_RENDER_TIMEOUT_MS, env.config.stepTimeoutMs ?? Infinity),
    signal: options.signal,
    onRevisionRead: options.onRevisionRead,
  });
  factCache?.save();
  const findings = [...found.filter((f) => f.severity === 'error'), ...found.filter((f) => f.severity !== 'error')];
  const errors = found.filter((f) => f.severity === 'error').length;
  const linted = [...scripts.map.sortNewestFirst(revisions)].reverse();
  return { ...base, revisions: linted, findings, errors, warnings: found.length - errors };
}

/** Where the database is (its heads) and which server it runs, or why it could not be asked. */
async function askDatabase(env: MigrationEnvironment, adapter: DialectAdapter): Promise<{ database: LintDatabase; heads: readonly string[] }> {
  try {
    return await withConnection(env, adapter, 'inspect', async (connection) => {
      const heads = await connection.versionStore.read();
      const serverVersion = await connection.serverVersion?.();
      return { database: { reached: true, serverVersion }, heads };
    });
  } catch (error) {
    if (error instanceof DatabaseError || (isMigrateError(error) && error.code === 'INVALID_URL')) {
      return { database: { reached: false, reason: error.message }, heads: [] };
    }
    throw error;
  }
}

interface ChosenRevisions {
  readonly revisions: ReadonlySet<string>;
  readonly scope: LintScope;
  /** Whether a revision's creations count as in use. */
  readonly isApplied: (id: string) => boolean;
}

function chooseRevisions(map: RevisionMap, options: LintOptions, reached: boolean, current: readonly string[]): ChosenRevisions {
  const applied = current.length === 0 ? new Set<string>() : map.ancestors(current, { includeDependencies: true });
  const known = reached || options.currentHeads !== undefined;
  const outside = (revisions: ReadonlySet<string>) => (id: string) => (known ? applied.has(id) : !revisions.has(id));
  if (options.revisions !== undefined) {
    const revisions = new Set(options.revisions);
    return { revisions, scope: 'given', isApplied: outside(revisions) };
  }
  if (options.all === true) {
    const revisions = new Set([...map].map((revision) => revision.id));
    // Without a database, each revision is judged as the next deploy: its ancestors applied.
    return { revisions, scope: 'all', isApplied: known ? (id) => applied.has(id) : () => true };
  }
  if (options.range !== undefined) {
    const revisions = new Set(map.history(options.range, current).map((revision) => revision.id));
    return { revisions, scope: 'range', isApplied: outside(revisions) };
  }
  if (known) {
    const revisions = new Set([...map].map((revision) => revision.id).filter((id) => !applied.has(id)));
    return { revisions, scope: 'unapplied', isApplied: (id) => applied.has(id) };
  }
  const revisions = unmergedRevisions(map);
  return { revisions, scope: 'unmerged', isApplied: (id) => !revisions.has(id) };
}

/**
 * The heads, and the branches not merged before them: the revisions of unmerged heads
 * since their fork, and the two sides of a merge that is itself a head, since theirs.
 */
function unmergedRevisions(map: RevisionMap): ReadonlySet<string> {
  const heads = new Set(map.heads);
  const unmerged = new Set(heads);
  for (const { meeting, left, right } of branchComparisons(map, 'all')) {
    if (meeting.kind === 'merge' && !heads.has(meeting.merge)) continue;
    for (const id of [...left, ...right]) unmerged.add(id);
  }
  return unmerged;
}

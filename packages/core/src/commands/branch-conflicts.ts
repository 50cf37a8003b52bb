import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DialectAdapter, OfflineRenderer } from '../adapter/dialect-adapter.js';
import type { StatementReader } from '../adapter/statement-reader.js';
import type { QualifiedName } from '../operations/schema-operation.js';
import type { IdentifierRules, TouchedObject } from '../operations/touched-object.js';
import type { Revision } from '../revision/revision.js';
import {
  describeConflict,
  findConflicts,
  reviewedBy,
  type AcknowledgedConflict,
  type BranchConflictFinding,
  type RevisionTouches,
} from '../revision/branch-conflict-finder.js';
import { branchComparisons, type BranchComparisonScope } from '../revision/concurrent-revisions.js';
import { readRevisionTouches, type SqlReadingTools, type UnreadableStatement } from '../runtime/read-revision-touches.js';
import { reviewedConflictsOf } from '../script/reviewed-conflicts.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { loadScripts, resolveAdapter, type MigrationEnvironment } from './environment.js';
import { offlineRenderer } from './offline-renderer.js';

export type { BranchComparisonScope } from '../revision/concurrent-revisions.js';

/** Options of {@link findBranchConflicts}. */
export interface BranchConflictOptions {
  /** Which branches to compare; see {@link BranchComparisonScope}. */
  readonly scope: BranchComparisonScope;
  /** The script directory, when the caller has read it already. */
  readonly scripts?: ScriptDirectory | undefined;
}

/** Two revisions on concurrent branches that touch the same object, with the line `check` prints. */
export interface BranchConflict extends BranchConflictFinding {
  readonly message: string;
}

/** A statement whose effect could not be read, with the warning `check` prints. */
export interface UnreadableRevision extends UnreadableStatement {
  readonly message: string;
}

/** What {@link findBranchConflicts} found. */
export interface BranchConflictReport {
  /** Pairs of concurrent revisions touching the same object, not acknowledged. */
  readonly conflicts: readonly BranchConflict[];
  /** The same, for pairs acknowledged by `reviewedConflicts` or a `Reviewed-Conflicts:` header. */
  readonly acknowledged: readonly (AcknowledgedConflict & { readonly message: string })[];
  /** What could not be read: the revisions they belong to may conflict unseen. */
  readonly unreadable: readonly UnreadableRevision[];
  /** The revisions whose migrations were read (those on a compared side), oldest first. */
  readonly compared: readonly string[];
}

/** Identifier rules of an adapter without a statement reader: exact names, no default schema. */
const EXACT_NAMES: IdentifierRules = { caseInsensitive: false };

/**
 * Finds revisions on concurrent branches that touch the same table, column, index or
 * constraint: across each pair of unmerged heads, and across the two sides of each
 * merge revision, within `scope`. Only revisions on a compared side are read, each once:
 * its migration's `up()` runs against a recording `op` (never a database); schema
 * operations are read as data, raw SQL with the adapter's {@link StatementReader}. A
 * statement that cannot be read, or a migration that reads the database, is reported in
 * `unreadable` (its revision may conflict unseen) rather than taken as touching nothing.
 *
 * ### Examples
 * ```ts
 * const report = await findBranchConflicts(env, { scope: { applied: appliedRevisions } });
 * for (const conflict of report.conflicts) logger.error(conflict.message);
 * const everything = await findBranchConflicts(env, { scope: 'all' });
 * const since = await findBranchConflicts(env, { scope: { from: '3f2a9c' } });
 * ```
 * @throws {RevisionNotFoundError} when `scope.from` names no revision.
 */
export async function findBranchConflicts(env: MigrationEnvironment, options: BranchConflictOptions): Promise<BranchConflictReport> {
  const scripts = options.scripts ?? (await loadScripts(env));
  const comparisons = branchComparisons(scripts.map, options.scope);
  const onASide = new Set(comparisons.flatMap((comparison) => [...comparison.left, ...comparison.right]));
  const compared = [...scripts.map].filter((revision) => onASide.has(revision.id));
  if (compared.length === 0) return { conflicts: [], acknowledged: [], unreadable: [], compared: [] };

  const adapter = await resolveAdapter(env);
  const tools = lazyTools(env, adapter);
  const touchesOf = new Map<string, RevisionTouches>();
  const unreadable: UnreadableRevision[] = [];
  const showPath = (file: string): string => path.relative(env.config.cwd, file) || file;
  for (const revision of compared) {
    const reading = await readRevisionTouches(scripts, revision, tools);
    touchesOf.set(revision.id, reading);
    for (const statement of reading.unreadable) unreadable.push({ ...statement, message: describeUnreadable(statement, showPath) });
  }

  // Loaded even when no raw SQL was read: its rules say how the names of schema operations compare.
  const rules = (await tools.reader())?.identifiers ?? EXACT_NAMES;
  await findIndexTables(scripts, compared, touchesOf, tools, rules);

  const headers = new Map<string, readonly string[]>();
  const headerOf = (id: string): readonly string[] => {
    let ids = headers.get(id);
    if (ids === undefined) headers.set(id, (ids = readHeader(scripts.map.get(id).path)));
    return ids;
  };
  const search = findConflicts(comparisons, touchesOf, rules, reviewedBy(env.config.reviewedConflicts, headerOf));
  const described = <T extends BranchConflictFinding>(finding: T): T & { message: string } => ({ ...finding, message: describeConflict(finding, showPath) });
  return {
    conflicts: search.conflicts.map(described),
    acknowledged: search.acknowledged.map(described),
    unreadable,
    compared: compared.map((revision) => revision.id),
  };
}

/**
 * The warning for an unreadable statement: the revision, its file and the statement's start.
 *
 * ### Examples
 * ```ts
 * describeUnreadable({ revision: 'b2', path: 'migrations/versions/b2.ts', statement: 'PRAGMA foreign_keys = off', reason: '…' })
 * // "Revision b2 (migrations/versions/b2.ts) runs SQL that cannot be read, so branch conflicts through it may go unseen: PRAGMA foreign_keys = off (…)"
 * ```
 */
export function describeUnreadable(statement: UnreadableStatement, showPath: (file: string) => string = (file) => file): string {
  const where = `Revision ${statement.revision}${statement.path === undefined ? '' : ` (${showPath(statement.path)})`}`;
  if (statement.statement === undefined) return `${where} cannot be read for branch conflicts: ${statement.reason}`;
  return `${where} runs SQL that cannot be read, so branch conflicts through it may go unseen: ${statement.statement} (${statement.reason})`;
}

interface LazyTools {
  readonly dialect: string;
  readonly renderer: () => Promise<OfflineRenderer | undefined>;
  readonly reader: () => Promise<StatementReader | undefined>;
}

/** The adapter's offline renderer and statement reader, each loaded once, on first use. */
function lazyTools(env: MigrationEnvironment, adapter: DialectAdapter): LazyTools {
  let renderer: Promise<OfflineRenderer | undefined> | undefined;
  let reader: Promise<StatementReader | undefined> | undefined;
  return {
    dialect: adapter.name,
    renderer: () => (renderer ??= typeof adapter.renderOffline === 'function' ? offlineRenderer(env, adapter) : Promise.resolve(undefined)),
    reader: () => (reader ??= typeof adapter.statementReader === 'function' ? adapter.statementReader() : Promise.resolve(undefined)),
  };
}

/**
 * Gives a table to the index touches that name none (`DROP INDEX ix`): the table the
 * index was created on, as the compared revisions say, else as their ancestors say,
 * newest first. Ancestors are read only while such an index is left, each once; an
 * index whose creation is found nowhere keeps no table (and then meets every
 * table-level change, see `touchesMeet`).
 */
async function findIndexTables(
  scripts: ScriptDirectory,
  compared: readonly Revision[],
  touchesOf: Map<string, RevisionTouches>,
  tools: SqlReadingTools,
  rules: IdentifierRules,
): Promise<void> {
  const key = (name: string): string => (rules.caseInsensitive ? name.toLowerCase() : name);
  const unresolved = new Set<string>();
  for (const reading of touchesOf.values()) {
    for (const touch of reading.touches) if (touch.part?.kind === 'index' && touch.table === undefined) unresolved.add(key(touch.part.name));
  }
  if (unresolved.size === 0) return;
  const tableOf = new Map<string, QualifiedName>();
  const learn = (touches: readonly TouchedObject[]): void => {
    for (const touch of touches) {
      if (touch.part?.kind === 'index' && touch.table !== undefined && !tableOf.has(key(touch.part.name))) tableOf.set(key(touch.part.name), touch.table);
    }
  };
  for (const reading of touchesOf.values()) learn(reading.touches);
  const ancestors = scripts.map.ancestors(compared.map((revision) => revision.id), { includeDependencies: true });
  const newestFirst = [...scripts.map].filter((revision) => ancestors.has(revision.id) && !touchesOf.has(revision.id)).reverse();
  for (const revision of newestFirst) {
    if ([...unresolved].every((name) => tableOf.has(name))) break;
    learn((await readRevisionTouches(scripts, revision, tools)).touches);
  }
  for (const [id, reading] of touchesOf) {
    const touches = reading.touches.map((touch) => {
      if (touch.part?.kind !== 'index' || touch.table !== undefined) return touch;
      const table = tableOf.get(key(touch.part.name));
      return table === undefined ? touch : { ...touch, table: { name: table.name, schema: touch.part.schema ?? table.schema } };
    });
    touchesOf.set(id, { ...reading, touches });
  }
}

function readHeader(file: string | undefined): readonly string[] {
  if (file === undefined) return [];
  try {
    return reviewedConflictsOf(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
}

/**
 * The safety lint over a set of revisions: each is rendered offline
 * ({@link recordMigrationStatements}) and its statements go to the adapter's
 * {@link StatementLinter}; what comes back is judged here, where the graph is known. A
 * hit on a table that the revision made earlier, or that an ancestor not yet applied
 * made, is dropped: nobody uses that table yet. Ignore comments, per-rule severities and
 * the findings' file and line are applied last.
 *
 * @packageDocumentation
 */

import path from 'node:path';

import type { OfflineRenderer } from '../adapter/dialect-adapter.js';
import type { LintSettings, StatementLinter, StatementsLint } from '../adapter/statement-linter.js';
import { SchemaModel } from '../operations/schema-model.js';
import type { QualifiedName } from '../operations/schema-operation.js';
import { tableKey, type IdentifierRules } from '../operations/touched-object.js';
import type { RevisionMap } from '../revision/revision-map.js';
import type { Revision } from '../revision/revision.js';
import { replaySchema } from '../runtime/replay-schema.js';
import { oneLineStatement } from '../runtime/run-state.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { IgnoreComments, IGNORE_MARKER } from './ignore-comments.js';
import { lintRule, type LintSeverity } from './lint-rules.js';
import { LazySchemaModel } from './lazy-schema-model.js';
import { recordMigrationStatements, type RecordedMigration } from './record-migration-statements.js';

/** A rule's severity as configured: `off` drops its findings. */
export type ConfiguredSeverity = LintSeverity | 'off';

/**
 * One finding of the safety lint.
 *
 * ### Examples
 * ```ts
 * { ruleId: 'CREATE_INDEX_NON_CONCURRENTLY', severity: 'error', revision: '3f2a9c1b7d4e',
 *   file: 'migrations/versions/3f2a9c1b7d4e_index_scans.ts', line: 9,
 *   message: 'CREATE INDEX ix_scans_host on scans blocks writes to scans until the index is built; …',
 *   statement: 'CREATE INDEX ix_scans_host ON scans (host)' }
 * ```
 */
export interface LintFinding {
  /** The rule's stable id (`docs/lint.md` has a section per id). */
  readonly ruleId: string;
  readonly severity: LintSeverity;
  readonly message: string;
  readonly revision: string;
  /** The migration file, relative to the project folder, with `/` separators. */
  readonly file: string;
  /** 1-based line of the statement's `op` call in the migration file. */
  readonly line: number;
  /** The statement's first characters, white space collapsed; absent for findings about no statement. */
  readonly statement?: string | undefined;
}

/** What {@link lintRevisions} needs. */
export interface LintRevisionsInput {
  readonly scripts: ScriptDirectory;
  /** The adapter's linter, loaded on first use: a run whose statements all come from `op.createTable` never loads a parser. */
  readonly linter: () => Promise<StatementLinter>;
  readonly renderer: OfflineRenderer;
  readonly dialect: string;
  /** The revisions to report on. */
  readonly revisions: ReadonlySet<string>;
  /** Whether a revision is applied to the target database: what it made is in use. */
  readonly isApplied: (id: string) => boolean;
  readonly settings: LintSettings;
  /** Per-rule severities from config. */
  readonly severities?: Readonly<Record<string, ConfiguredSeverity>> | undefined;
  /** The project folder, which findings' files are relative to. */
  readonly cwd: string;
  /** How long each migration's `up()` may take offline; past it the migration is `NOT_LINTED`. */
  readonly timeoutMs: number;
  /** Stops the lint: it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told each revision once it has been read and linted. Whoever follows the lint runs
   * beside it, so the event loop is also let run before each revision: that run's replies
   * from the database must not wait for the whole lint.
   */
  readonly onRevisionRead?: ((id: string) => void) | undefined;
}

/** Names compared exactly: for a revision no linter read, whose findings name no table. */
const EXACT_NAMES: IdentifierRules = { caseInsensitive: false };

/** How much of a statement findings show, `…` included. */
const STATEMENT_START = 80;

/**
 * Lints `revisions`, reading also the unapplied ancestors they build on (for what those
 * create). Findings come in revision order (oldest first), then by line.
 */
export async function lintRevisions(input: LintRevisionsInput): Promise<LintFinding[]> {
  const { scripts } = input;
  const map = scripts.map;
  const order = readingOrder(map, input.revisions, input.isApplied);
  const model = new LazySchemaModel(() => startingModel(input, order));
  let linter: StatementLinter | undefined;
  const tables = new TablesMade(map, input.isApplied);
  const findings: LintFinding[] = [];
  for (const id of order) {
    if (input.onRevisionRead !== undefined) await nextTurn();
    const revision = map.get(id);
    const recorded = await recordMigrationStatements(scripts, revision, {
      dialect: input.dialect,
      renderer: input.renderer,
      model,
      timeoutMs: input.timeoutMs,
      signal: input.signal,
    });
    const { sent, creates } = splitNewTables(recorded);
    if (sent.length > 0) linter ??= await input.linter();
    const lint = linter === undefined ? { hits: [], creates } : lintStatements(linter, recorded, sent, creates, input.settings);
    tables.record(id, lint.creates.map((made) => made.table));
    // Without a linter there are no hits, and the names' rules are never asked.
    if (input.revisions.has(id)) findings.push(...judge(input, linter?.identifiers ?? EXACT_NAMES, revision, recorded, lint, tables));
    input.onRevisionRead?.(id);
  }
  return findings;
}

/** Resolves after the event loop has seen to pending I/O. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Which statements go to the linter. Those of `op.createTable` do not: they make a table
 * nobody uses yet, which no rule can fault, and the table they make is known from the
 * operation. (Most revisions create a table; parsing their SQL would cost most of the lint.)
 */
function splitNewTables(recorded: RecordedMigration): { sent: number[]; creates: { statement: number; table: QualifiedName }[] } {
  const sent: number[] = [];
  const creates: { statement: number; table: QualifiedName }[] = [];
  recorded.statements.forEach((statement, index) => {
    const operation = statement.operation;
    if (operation?.kind !== 'createTable' || operation.table === undefined) sent.push(index);
    else if (!creates.some((made) => made.table === operation.table)) creates.push({ statement: index, table: operation.table });
  });
  return { sent, creates };
}

/** The linter's reading of the `sent` statements, with indexes and creations in terms of all of them. */
function lintStatements(
  linter: StatementLinter,
  recorded: RecordedMigration,
  sent: readonly number[],
  creates: readonly { statement: number; table: QualifiedName }[],
  settings: LintSettings,
): StatementsLint {
  if (sent.length === recorded.statements.length) return linter.lint(recorded.statements, settings);
  const read = linter.lint(sent.map((index) => recorded.statements[index]!), settings);
  return {
    hits: read.hits.map((hit) => ({ ...hit, statement: sent[hit.statement]! })),
    creates: [...creates, ...read.creates.map((made) => ({ ...made, statement: sent[made.statement]! }))],
  };
}

/**
 * The tables each revision read made, and those its unapplied ancestors made, worked out
 * only for the revisions a finding on a table needs them for.
 */
class TablesMade {
  readonly #map: RevisionMap;
  readonly #isApplied: (id: string) => boolean;
  readonly #own = new Map<string, readonly QualifiedName[]>();
  readonly #before = new Map<string, ReadonlySet<string>>();

  constructor(map: RevisionMap, isApplied: (id: string) => boolean) {
    this.#map = map;
    this.#isApplied = isApplied;
  }

  record(id: string, tables: readonly QualifiedName[]): void {
    this.#own.set(id, tables);
  }

  /** Keys ({@link tableKey}) of the tables made by the unapplied ancestors of `id` that were read. */
  before(id: string, rules: IdentifierRules): ReadonlySet<string> {
    const known = this.#before.get(id);
    if (known !== undefined) return known;
    const keys = new Set<string>();
    // Iteratively, oldest first, so that a long line of unapplied revisions does not recurse.
    const pending = [...this.#map.ancestors([id], { includeDependencies: true })].filter((ancestor) => ancestor !== id && this.#own.has(ancestor) && !this.#isApplied(ancestor));
    for (const ancestor of pending) for (const table of this.#own.get(ancestor)!) keys.add(tableKey(table, rules));
    this.#before.set(id, keys);
    return keys;
  }
}

/** The revisions to read, oldest first: those to lint and the unapplied ancestors they build on. */
function readingOrder(map: RevisionMap, revisions: ReadonlySet<string>, isApplied: (id: string) => boolean): string[] {
  const read = [...map.ancestors(revisions, { includeDependencies: true })].filter((id) => revisions.has(id) || !isApplied(id));
  return map.sortNewestFirst(read).reverse();
}

/** The schema model before the first revision read: what the applied revisions it builds on made. */
async function startingModel(input: LintRevisionsInput, order: readonly string[]): Promise<SchemaModel> {
  if (input.renderer.operationCompiler === undefined) return new SchemaModel();
  const reading = new Set(order);
  const before = new Set<string>();
  for (const id of order) for (const parent of input.scripts.map.normalizedDownRevisions(id)) if (!reading.has(parent)) before.add(parent);
  return before.size === 0 ? new SchemaModel() : replaySchema(input.scripts, [...before], input.dialect);
}

/** The findings of one linted revision. */
function judge(input: LintRevisionsInput, rules: IdentifierRules, revision: Revision, recorded: RecordedMigration, lint: StatementsLint, tables: TablesMade): LintFinding[] {
  const source = input.scripts.readSource(revision);
  const ignores = IgnoreComments.read(source);
  if (lint.hits.length === 0 && recorded.unrendered.length === 0 && ignores.all.length === 0) return [];
  const file = revision.path === undefined ? revision.id : path.relative(input.cwd, revision.path).split(path.sep).join('/');
  const fallbackLine = upLine(source);
  const findings: LintFinding[] = [];
  const add = (ruleId: string, message: string, line: number, statement?: string): void => {
    const severity = severityOf(ruleId, input.severities);
    if (severity === 'off') return;
    // An ignore without a reason silences nothing: the reason is what a reviewer reads.
    if (ignores.above(line).some((comment) => comment.ruleId === ruleId && comment.reason !== undefined)) return;
    findings.push({ ruleId, severity, message, revision: revision.id, file, line, ...(statement === undefined ? {} : { statement }) });
  };

  for (const hit of lint.hits) {
    if (hit.table !== undefined) {
      const key = tableKey(hit.table, rules);
      if (tables.before(revision.id, rules).has(key)) continue;
      if (lint.creates.some((made) => made.statement <= hit.statement && tableKey(made.table, rules) === key)) continue;
    }
    const statement = recorded.statements[hit.statement];
    add(hit.ruleId, hit.message, statement?.line() ?? fallbackLine, statement === undefined ? undefined : oneLineStatement(statement.sql, STATEMENT_START));
  }
  for (const part of recorded.unrendered) {
    add('NOT_LINTED', `Not linted from here on: ${part.reason}`, part.line ?? fallbackLine);
  }
  for (const comment of ignores.all) {
    if (comment.ruleId === undefined || comment.reason === undefined) {
      add('IGNORE_WITHOUT_REASON', `\`// ${IGNORE_MARKER} ${comment.ruleId ?? 'RULE_ID'}\` gives no reason: write why the statement is safe after the rule id`, comment.line);
    }
    if (comment.ruleId !== undefined && lintRule(comment.ruleId) === undefined) {
      add('IGNORE_UNKNOWN_RULE', `\`// ${IGNORE_MARKER} ${comment.ruleId}\` names no rule; the rules are listed in docs/lint.md`, comment.line);
    }
  }
  return findings.sort((a, b) => a.line - b.line);
}

function severityOf(ruleId: string, configured: Readonly<Record<string, ConfiguredSeverity>> | undefined): ConfiguredSeverity {
  return configured?.[ruleId] ?? lintRule(ruleId)?.defaultSeverity ?? 'warning';
}

/** The line of `up(` in a migration's text, for findings no statement line is known for. */
function upLine(source: string): number {
  const at = source.search(/\bup\s*\(/);
  return at === -1 ? 1 : source.slice(0, at).split('\n').length;
}

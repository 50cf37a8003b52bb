/**
 * The bench's PostgreSQL project: a first revision that creates every table the others
 * work on, then revisions that each make one change of {@link TRIGGER_CASES}, in a
 * line with a fork and its merge every 100 revisions. Written as cgmigrate migrations
 * (`.ts`) with a `cgmigrate.config.ts` naming the database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ROUND_SIDE_TABLES, roundTableShape, TRIGGER_CASES, type CaseStyle, type TriggerCase } from './cases.ts';

/** One revision: its id, parents, the case it plays (none for the first) and the body of its `up()`. */
export interface LintBenchRevision {
  readonly id: string;
  readonly parents: readonly string[];
  readonly case?: TriggerCase | undefined;
  readonly up: readonly string[];
}

/** Every `FORK_EVERY` revisions, two revisions fork off the line and the next merges them. */
const FORK_EVERY = 100;

/**
 * `count` revisions: the first creates the tables; revision `n` (from 2) plays case
 * `(n - 2) mod C` on the table of round `floor((n - 2) / C)`, so that each table sees
 * each case once. Revisions 51 and 52 (and 151 and 152, …) both have revision 50 as parent,
 * and 53 merges them.
 */
export function lintBenchGraph(count: number, cases: readonly TriggerCase[] = TRIGGER_CASES): LintBenchRevision[] {
  const rounds = Math.ceil((count - 1) / cases.length);
  const revisions: LintBenchRevision[] = [{ id: revisionId(1), parents: [], up: firstRevision(rounds, cases) }];
  for (let n = 2; n <= count; n++) {
    const k = n - 2;
    const round = String(Math.floor(k / cases.length)).padStart(2, '0');
    const entry = cases[k % cases.length]!;
    const offset = n % FORK_EVERY;
    const parents =
      offset === 52 && n + 1 <= count
        ? [revisionId(n - 2)] // the second branch of the fork
        : offset === 53
          ? [revisionId(n - 2), revisionId(n - 1)] // the merge
          : [revisionId(n - 1)];
    revisions.push({ id: revisionId(n), parents, case: entry, up: entry.up({ table: `t_${round}`, round, n: String(n).padStart(4, '0') }) });
  }
  return revisions;
}

/** `r0001`, … */
export function revisionId(n: number): string {
  return `r${String(n).padStart(4, '0')}`;
}

/** The first revision: per round its table (with every column and index the cases use), side tables, a schema and a materialized view; and `accounts`. */
function firstRevision(rounds: number, cases: readonly TriggerCase[]): string[] {
  const { columns, indexes } = roundTableShape(cases);
  const lines = [`await op.createTable('accounts', { id: { type: 'integer', primaryKey: true } });`];
  for (let r = 0; r < rounds; r++) {
    const round = String(r).padStart(2, '0');
    const table = `t_${round}`;
    lines.push(`await op.createTable('${table}', {`, ...[...columns].map(([name, definition]) => `  ${name}: ${definition},`), '});');
    for (const [suffix, column] of indexes) lines.push(`await op.createIndex('ix_${round}_${suffix}', '${table}', ['${column}']);`);
    for (const side of ROUND_SIDE_TABLES) lines.push(`await op.createTable('${side}_${round}', { id: { type: 'integer', primaryKey: true } });`);
    lines.push(`await op.execute('CREATE SCHEMA reporting_${round}');`);
    lines.push(`await op.execute('CREATE MATERIALIZED VIEW mv_${round} AS SELECT id, host FROM ${table}');`);
  }
  return lines;
}

/** How many revisions make their change in each style. */
export function styleCounts(revisions: readonly LintBenchRevision[]): Record<CaseStyle, number> {
  const counts: Record<CaseStyle, number> = { sql: 0, operations: 0 };
  for (const revision of revisions) if (revision.case !== undefined) counts[revision.case.style] += 1;
  return counts;
}

/** How many revisions each rule must flag at least: the sum over the revisions of their case's rules. */
export function plantedRules(revisions: readonly LintBenchRevision[]): Map<string, number> {
  const planted = new Map<string, number>();
  for (const revision of revisions) for (const rule of revision.case?.rules ?? []) planted.set(rule, (planted.get(rule) ?? 0) + 1);
  return planted;
}

/** Writes the project: `package.json`, `cgmigrate.config.ts` with `url`, `migrations/versions/<id>_bench.ts`. */
export function writeLintProject(dir: string, url: string, revisions: readonly LintBenchRevision[]): void {
  const versions = path.join(dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name: 'bench-lint', private: true, type: 'module' })}\n`);
  writeFileSync(
    path.join(dir, 'cgmigrate.config.ts'),
    `import type { MigrateConfig } from '@cloudguard/migrate-core';\n\n` +
      `export default {\n  url: ${JSON.stringify(url)},\n  scriptLocation: 'migrations',\n} satisfies MigrateConfig;\n`,
  );
  for (const revision of revisions) {
    const parents = revision.parents.length === 0 ? 'null' : revision.parents.length === 1 ? `'${revision.parents[0]}'` : `[${revision.parents.map((p) => `'${p}'`).join(', ')}]`;
    const message = revision.case === undefined ? 'tables' : revision.case.name;
    writeFileSync(
      path.join(versions, `${revision.id}_bench.ts`),
      `import type { Migration } from '@cloudguard/migrate-core';\n\n` +
        `export default {\n  revision: '${revision.id}',\n  downRevision: ${parents},\n  message: ${JSON.stringify(message)},\n` +
        `  async up(op) {\n${revision.up.map((line) => `    ${line}`).join('\n')}\n  },\n} satisfies Migration;\n`,
    );
  }
}

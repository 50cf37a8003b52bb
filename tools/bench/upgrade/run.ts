/**
 * Issue 4's speed benchmark: whole-process `upgrade head` then `downgrade base` of
 * 1,000 and 4,000 migrations (each creates or drops one table) on a fresh SQLite
 * or PostgreSQL database, cgmigrate side by side with Alembic, knex, node-pg-migrate,
 * MikroORM's CLI and the same SQL run by sqlite3 / psql. Prints a Markdown report
 * and writes it to docs/benchmarks/upgrade.md. See README.md beside this file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertAlembicInstalled } from '../../alembic/alembic-project.ts';
import { writeSection } from '../revision-graph/benchmarks-doc.ts';
import { buildGraph } from '../revision-graph/graph.ts';
import { benchDatabase, shell } from './database.ts';
import { machineFacts } from './machine.ts';
import { measure, type Round } from './measure.ts';
import { parseOptions, USAGE, type BenchOptions, type WorkloadSpec } from './options.ts';
import { renderReport } from './report.ts';
import type { BenchRun, WorkloadResult } from './results.ts';
import { alembic, alembicVersion } from './runners/alembic.ts';
import { assertCgmigrateBuilt, cgmigrate, cgmigrateOperations, cgmigrateRunner } from './runners/cgmigrate.ts';
import { knex, knexVersion } from './runners/knex.ts';
import { mikroOrm, mikroOrmVersion } from './runners/mikro-orm.ts';
import { nodePgMigrate, nodePgMigrateVersion } from './runners/node-pg-migrate.ts';
import { sqlFloor } from './runners/sql-floor.ts';
import type { ToolRunner } from './runners/tool-runner.ts';
import { evaluateTargets } from './targets.ts';

/** The report this bench keeps. */
export const REPORT_DOC = fileURLToPath(new URL('../../../docs/benchmarks/upgrade.md', import.meta.url));

const RUNNERS: readonly ToolRunner[] = [sqlFloor, cgmigrate, cgmigrateOperations, alembic, knex, nodePgMigrate, mikroOrm];

/** The tools of a run: every peer, and the baseline CLI when `--baseline` names one. */
function runnersOf(baseline: string | undefined): readonly ToolRunner[] {
  if (baseline === undefined) return RUNNERS;
  const bin = path.resolve(baseline);
  let commit = 'another checkout';
  try {
    commit = execFileSync('git', ['-C', path.dirname(bin), 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not in a git checkout: the label says only that it is another build
  }
  return [...RUNNERS.slice(0, 3), cgmigrateRunner(bin, 'cgmigrate-baseline', `cgmigrate at ${commit} (baseline)`), ...RUNNERS.slice(3)];
}

const SECTION_INTRO = `Run it after \`npx nx run-many -t build\`:

\`\`\`sh
npx node tools/bench/upgrade/run.ts          # full: 1,000 on both dialects and 4,000 on SQLite, about 10–15 minutes
npx node tools/bench/upgrade/run.ts --quick  # 1,000 migrations, one checked and one timed run each, prints only
\`\`\``;

function runWorkload(spec: WorkloadSpec, workDir: string, resultsDir: string, runners: readonly ToolRunner[]): WorkloadResult {
  console.log(`\n== ${spec.label}: writing each tool's project`);
  const graph = buildGraph('linear', spec.count);
  const root = path.join(workDir, spec.id);
  const rounds: Round[] = runners.filter((runner) => runner.dialects.includes(spec.dialect)).map((runner) => {
    const dir = path.join(root, runner.name);
    mkdirSync(dir, { recursive: true });
    const db = benchDatabase(spec.dialect, spec.id, runner.name, dir);
    return { tool: runner.name, label: runner.label, project: runner.write(dir, graph, db), db };
  });
  try {
    const { timings, probes, cpuBusy } = measure(spec.id, rounds, spec.count, spec.runs, resultsDir);
    return { spec, timings, probes, cpuBusy };
  } finally {
    for (const round of rounds) shell(round.db.drop, root);
  }
}

function main(options: BenchOptions): void {
  const started = performance.now();
  assertCgmigrateBuilt();
  assertAlembicInstalled();
  const machine = machineFacts({
    Alembic: alembicVersion(),
    knex: knexVersion(),
    'node-pg-migrate': nodePgMigrateVersion(),
    'MikroORM CLI': mikroOrmVersion(),
  });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-bench-upgrade-'));
  const resultsDir = path.join(os.tmpdir(), `cgmigrate-bench-upgrade-results-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(resultsDir, { recursive: true });
  const workloads: WorkloadResult[] = [];
  try {
    for (const spec of options.workloads) workloads.push(runWorkload(spec, workDir, resultsDir, runnersOf(options.baseline)));
  } finally {
    if (options.keep) console.log(`\nProjects kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const run: BenchRun = { quick: options.quick, machine, workloads };
  const report = renderReport(run, evaluateTargets(run));
  console.log(`\n${report}\n\nhyperfine's JSON exports: ${resultsDir}`);
  if (options.write) {
    writeSection({ name: 'upgrade', heading: 'Upgrade and downgrade of 1,000 and 4,000 migrations', intro: SECTION_INTRO, generated: report }, REPORT_DOC);
    console.log(`Wrote ${path.relative(process.cwd(), REPORT_DOC)}.`);
  }
  console.log(`Done in ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
}

const options = parseOptions(process.argv.slice(2));
if (options) main(options);
else console.log(USAGE);

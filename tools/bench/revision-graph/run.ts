/**
 * Issue 3's speed benchmark: whole-process `cgmigrate current`, `heads` and
 * `history` next to Alembic and knex on 1,000 and 10,000 revisions, with
 * `node -e 0` as the floor. Prints a Markdown table and the target ratios, and
 * writes them to docs/benchmarks.md. See README.md beside this file.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assertAlembicInstalled } from '../../alembic/alembic-project.ts';
import { writeSection } from './benchmarks-doc.ts';
import { BRANCH_EVERY, buildGraph } from './graph.ts';
import { hyperfineVersion } from './hyperfine.ts';
import { machineFacts } from './machine.ts';
import { measure } from './measure.ts';
import { parseOptions, USAGE, type BenchOptions, type WorkloadSpec } from './options.ts';
import { renderReport } from './report.ts';
import type { BenchRun, WorkloadResult } from './results.ts';
import { alembic, alembicVersion } from './runners/alembic.ts';
import { assertCgmigrateBuilt, cgmigrate, cgmigrateRunner } from './runners/cgmigrate.ts';
import { findKnex, knexRunner } from './runners/knex.ts';
import { nodeFloor } from './runners/node-floor.ts';
import type { ToolRunner } from './runners/tool-runner.ts';
import { evaluateTargets } from './targets.ts';
import { writeWorkload } from './workload.ts';

const SECTION_INTRO = `Issue 3: a CI runs \`current\`, \`heads\` and \`history\` on every deploy. The bench generates
1,000 and 10,000 linear revisions and a 10,000-revision graph (every ${BRANCH_EVERY} revisions two lines
of five fork off and merge again: 200 merges, one head), each in the real revision template
with one \`op.execute('CREATE TABLE …')\`; the same ids as an Alembic project; and as many
files in a knex project (knex has no graph). Each tool brings its own SQLite database to
head with its own upgrade, then hyperfine times every command side by side, after checking
once that each prints the head (or the full history). cgmigrate keeps the headers it parsed in
\`<script location>/.cgmigrate-cache\` and afterwards only \`stat\`s unchanged files; the row
\`cgmigrate history, no header index\` (\`CGMIGRATE_NO_CACHE=1\`) is what the first run after a
checkout costs, when every file is read and parsed.

Run it after \`npx nx run-many -t build\`:

\`\`\`sh
npx node tools/bench/revision-graph/run.ts          # full: about 8 minutes, rewrites the results below
npx node tools/bench/revision-graph/run.ts --quick  # 1,000 revisions, fewer runs, prints only
\`\`\`

It needs hyperfine, Debian's python3-alembic, and knex with better-sqlite3 (a root
devDependency, or \`CGMIGRATE_BENCH_PEERS=<dir>\` naming a folder whose node_modules holds them).`;

/** Above this share of busy CPUs while timing, other work ran too: the bench alone keeps about one core busy. */
const BUSY_LIMIT = Math.min(0.95, 1.3 / os.availableParallelism());

function runWorkload(spec: WorkloadSpec, runners: readonly ToolRunner[], options: BenchOptions, workDir: string, resultsDir: string): WorkloadResult {
  console.log(`\n== ${spec.label}: generating ${spec.count.toLocaleString('en-US')} revisions`);
  const graph = buildGraph(spec.shape, spec.count);
  const paths = writeWorkload(path.join(workDir, spec.id), graph);
  const setupMs: Record<string, number> = {};
  for (const runner of runners) {
    if (!runner.setup) continue;
    const ms = runner.setup(paths);
    setupMs[runner.name] = ms;
    console.log(`   ${runner.name}: at head after ${(ms / 1000).toFixed(1)} s`);
  }
  const commands = runners.flatMap((runner) => runner.commands(paths, graph));
  let measured = measure(spec.id, commands, paths.cgmigrate.dir, resultsDir, options.measure);
  if ((measured.cpuBusy ?? 0) > BUSY_LIMIT) {
    console.log(`\n   Other work ran meanwhile (CPUs ${Math.round((measured.cpuBusy ?? 0) * 100)}% busy): measuring ${spec.label} once more.`);
    const again = measure(spec.id, commands, paths.cgmigrate.dir, resultsDir, options.measure);
    if ((again.cpuBusy ?? 0) < (measured.cpuBusy ?? 0)) measured = again;
  }
  const { timings, cpuBusy } = measured;
  if (!options.keep) rmSync(paths.root, { recursive: true, force: true });
  return { spec, merges: graph.merges, timings, setupMs, cpuBusy };
}

/** The baseline CLI's runner when `--baseline` names one, its rows labelled with its commit. */
function baselineRunners(baseline: string | undefined): ToolRunner[] {
  if (baseline === undefined) return [];
  const bin = path.resolve(baseline);
  let commit = 'baseline';
  try {
    commit = execFileSync('git', ['-C', path.dirname(bin), 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not in a git checkout: the rows say only "baseline"
  }
  return [cgmigrateRunner(bin, `cgmigrate at ${commit}`)];
}

function main(options: BenchOptions): void {
  const started = performance.now();
  assertCgmigrateBuilt();
  assertAlembicInstalled();
  const hyperfine = hyperfineVersion();
  const knex = findKnex();
  const skipped = 'missing' in knex ? [knex.missing] : [];
  const runners = [nodeFloor, cgmigrate, ...baselineRunners(options.baseline), alembic, ...('missing' in knex ? [] : [knexRunner(knex)])];
  if ('missing' in knex) console.warn(`knex is left out: ${knex.missing}`);

  const workDir = mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-bench-'));
  const resultsDir = path.join(os.tmpdir(), `cgmigrate-bench-results-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(resultsDir, { recursive: true });
  const workloads: WorkloadResult[] = [];
  try {
    for (const spec of options.workloads) workloads.push(runWorkload(spec, runners, options, workDir, resultsDir));
  } finally {
    if (options.keep) console.log(`\nProjects kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }

  const machine = machineFacts({ alembic: alembicVersion(), knex: 'missing' in knex ? 'not installed' : knex.version, hyperfine });
  const run: BenchRun = { quick: options.quick, machine, workloads, skipped };
  const report = renderReport(run, evaluateTargets(run));
  console.log(`\n${report}\n\nhyperfine's JSON exports: ${resultsDir}`);
  if (options.write) {
    writeSection({ name: 'revision-graph', heading: 'Revision graph: `current`, `heads`, `history` (issue 3)', intro: SECTION_INTRO, generated: report });
    console.log('Wrote docs/benchmarks.md.');
  }
  console.log(`Done in ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
}

const options = parseOptions(process.argv.slice(2));
if (options) main(options);
else console.log(USAGE);

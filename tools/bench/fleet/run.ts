/**
 * Issue 22's speed benchmark: one history (20 migrations, each creates one table)
 * brought to head on a fleet of fresh tenants, 500 SQLite files and 200 schemas of one
 * PostgreSQL database, by the fleet command (`cgmigrate upgrade head --targets …
 * --concurrency 16`), side by side with a shell loop of Alembic processes, a loop of
 * single-database cgmigrate processes, and the floor (the same SQL through one
 * sqlite3 / psql session per tenant). Whole processes, medians, peak RSS. Prints a
 * Markdown report with PASS/MISS lines and writes it to docs/benchmarks/fleet.md. See
 * README.md beside this file.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertAlembicInstalled } from '../../alembic/alembic-project.ts';
import { writeSection } from '../revision-graph/benchmarks-doc.ts';
import { buildGraph, type RevisionGraph } from '../revision-graph/graph.ts';
import { shell } from '../upgrade/database.ts';
import { machineFacts } from '../upgrade/machine.ts';
import { alembicVersion } from '../upgrade/runners/alembic.ts';
import { assertCgmigrateBuilt, CGMIGRATE_BIN } from '../upgrade/runners/cgmigrate.ts';
import { measure, type Round } from './measure.ts';
import { parseOptions, USAGE, type BenchOptions, type WorkloadSpec } from './options.ts';
import { renderReport } from './report.ts';
import type { BenchRun, WorkloadResult } from './results.ts';
import { assertGnuTime } from './rss.ts';
import { alembicLoop } from './runners/alembic-loop.ts';
import { cgmigrateFleet } from './runners/cgmigrate-fleet.ts';
import { cgmigrateLoop } from './runners/cgmigrate-loop.ts';
import type { FleetTool } from './runners/fleet-tool.ts';
import { sqlFloorLoop } from './runners/sql-floor-loop.ts';
import { evaluateTargets, targetLines } from './targets.ts';
import { postgresTenants, sqliteTenants } from './tenants.ts';

/** The report this bench keeps. */
export const REPORT_DOC = fileURLToPath(new URL('../../../docs/benchmarks/fleet.md', import.meta.url));

/** Every tool, the fleet command first. */
function toolsOf(bin: string): readonly FleetTool[] {
  return [cgmigrateFleet(bin), cgmigrateFleet(bin, 'off'), cgmigrateLoop(bin), alembicLoop, sqlFloorLoop];
}

const SECTION_INTRO = `Run it after \`npx nx run-many -t build\`:

\`\`\`sh
npx node tools/bench/fleet/run.ts          # full: 500 SQLite files and 200 PostgreSQL schemas
npx node tools/bench/fleet/run.ts --quick  # 100 files and 50 schemas, one timed pass, prints only
\`\`\``;

/** The throwaway database of `tool`'s PostgreSQL tenants in workload `workloadId`. */
function databaseName(workloadId: string, tool: string): string {
  return `cgm_bench_fleet_${workloadId}_${tool}`.replace(/\W/g, '_');
}

function runWorkload(spec: WorkloadSpec, graph: RevisionGraph, workDir: string, resultsDir: string, tools: readonly FleetTool[]): WorkloadResult {
  console.log(`\n== ${spec.label}: writing each tool's project and tenants`);
  const root = path.join(workDir, spec.id);
  const skipped: { label: string; reason: string }[] = [];
  const rounds: Round[] = [];
  try {
    for (const tool of tools) {
      if (!tool.dialects.includes(spec.dialect)) continue;
      const reason = tool.unavailable?.();
      if (reason !== undefined) {
        console.log(`   ${tool.label}: not measured, ${reason}`);
        skipped.push({ label: tool.label, reason });
        continue;
      }
      const dir = path.join(root, tool.name);
      mkdirSync(dir, { recursive: true });
      const tenants = spec.dialect === 'sqlite' ? sqliteTenants(dir, spec.tenants) : postgresTenants(dir, databaseName(spec.id, tool.name), spec.tenants);
      rounds.push({ tool: tool.name, label: tool.label, dir, command: tool.write(dir, graph, tenants), tenants, rssFile: path.join(resultsDir, `${spec.id}-${tool.name}.rss`) });
    }
    const { tools: results, cpuBusy } = measure(spec.id, rounds, graph, spec.runs, resultsDir);
    return { spec, tools: results, cpuBusy, skipped };
  } finally {
    for (const round of rounds) shell(round.tenants.drop, root);
  }
}

function main(options: BenchOptions): void {
  const started = performance.now();
  const bin = options.cli === undefined ? CGMIGRATE_BIN : path.resolve(options.cli);
  if (options.cli === undefined) assertCgmigrateBuilt();
  assertAlembicInstalled();
  assertGnuTime();
  const machine = machineFacts({ Alembic: alembicVersion() });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-bench-fleet-'));
  const resultsDir = path.join(os.tmpdir(), `cgmigrate-bench-fleet-results-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(resultsDir, { recursive: true });
  const workloads: WorkloadResult[] = [];
  try {
    for (const spec of options.workloads) workloads.push(runWorkload(spec, buildGraph('linear', spec.migrations), workDir, resultsDir, toolsOf(bin)));
  } finally {
    if (options.keep) console.log(`\nProjects kept in ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
  const run: BenchRun = { quick: options.quick, machine: options.cli === undefined ? machine : { ...machine, commit: `${machine.commit} (the CLI timed: ${bin})` }, workloads };
  const targets = evaluateTargets(run);
  console.log(`\n${renderReport(run, targets)}\n\nhyperfine's JSON exports and the RSS figures: ${resultsDir}\n`);
  for (const line of targetLines(targets)) console.log(line);
  if (options.write) {
    writeSection({ name: 'fleet', heading: 'Fleets: 500 SQLite tenants and 200 PostgreSQL schemas', intro: SECTION_INTRO, generated: renderReport(run, targets) }, REPORT_DOC);
    console.log(`Wrote ${path.relative(process.cwd(), REPORT_DOC)}.`);
  }
  console.log(`Done in ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
}

const options = parseOptions(process.argv.slice(2));
if (options) main(options);
else console.log(USAGE);

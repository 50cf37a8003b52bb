/**
 * Issue 5's speed benchmark: whole-process `cgmigrate revision --autogenerate` and
 * `cgmigrate check` next to `alembic revision --autogenerate` and MikroORM's
 * `mikro-orm migration:create`, on a model of 200 tables × 8 columns with foreign keys
 * and indexes, against an empty database and against a database at head, on SQLite
 * and PostgreSQL. See README.md beside this file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { assertAlembicInstalled, PYTHON } from '../../alembic/alembic-project.ts';
import { busyShare, cpuTicks, waitForQuiet } from '../revision-graph/cpu-load.ts';
import { hyperfineVersion } from '../revision-graph/hyperfine.ts';
import { assertCgmigrateBuilt } from '../revision-graph/runners/cgmigrate.ts';
import { hyperfine, probe, runChecked } from './measure.ts';
import { buildModel } from './model.ts';
import { parseOptions, SCENARIOS, USAGE, type BenchOptions, type Scenario } from './options.ts';
import { INTRO } from './doc-intro.ts';
import { evaluateTargets, renderReport, type CellResult } from './report.ts';
import { nodeFloor, setupCommands, timedCommands, type TimedCommand } from './runners/tools.ts';
import { dropPgDatabase, writeToolProject, type Dialect, type Tool, type ToolProject } from './workload.ts';

const TOOLS: readonly Tool[] = ['cgmigrate', 'alembic', 'mikro-orm'];
const DOC = fileURLToPath(new URL('../../../docs/benchmarks/autogenerate.md', import.meta.url));



function writeProjects(dialect: Dialect, scenario: Scenario, options: BenchOptions, root: string): ToolProject[] {
  const model = buildModel(options.tables);
  return TOOLS.map((tool) => writeToolProject(tool, dialect, path.join(root, dialect, scenario, tool), model, `${dialect}_${scenario}_${tool}`));
}

function measureCell(dialect: Dialect, scenario: Scenario, options: BenchOptions, root: string, resultsDir: string, dropLater: string[]): CellResult {
  console.log(`\n== ${dialect}, ${scenario === 'empty' ? 'empty database' : 'database at head'}`);
  const projects = writeProjects(dialect, scenario, options, root);
  for (const project of projects) if (project.pgDatabase) dropLater.push(project.pgDatabase);
  if (scenario === 'head') {
    for (const project of projects) for (const command of setupCommands(project)) runChecked(command);
    console.log('   every tool brought its database to head with its own migration');
  }
  // What the setup wrote stays; whatever is newer than the stamp is a timed run's and is deleted before the next.
  const stamp = path.join(root, dialect, scenario, '.stamp');
  writeFileSync(stamp, '');
  spawnSync('sleep', ['0.01']);
  const commands: TimedCommand[] = [nodeFloor(stamp), ...projects.flatMap((project) => timedCommands(project, scenario, options.tables, stamp))];
  probe(commands);
  const quiet = waitForQuiet(0.15, 120_000);
  if (quiet !== undefined && quiet > 0.15) console.log(`   the machine stayed busy (${Math.round(quiet * 100)} % of CPUs): measuring anyway`);
  const before = cpuTicks();
  const timings = hyperfine(commands, options.warmup, options.runs, path.join(resultsDir, `${dialect}-${scenario}.json`));
  return { dialect, scenario, timings, cpuBusy: busyShare(before, cpuTicks()) };
}

function main(options: BenchOptions): void {
  const started = performance.now();
  assertCgmigrateBuilt();
  assertAlembicInstalled();
  const hyperfineVer = hyperfineVersion();
  const root = mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-bench-autogen-'));
  // Outside the projects' folder, so that hyperfine's JSON outlives them.
  const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'cgmigrate-bench-autogen-results-'));
  const dropLater: string[] = [];
  const cells: CellResult[] = [];
  try {
    for (const dialect of options.dialects) for (const scenario of SCENARIOS) cells.push(measureCell(dialect, scenario, options, root, resultsDir, dropLater));
  } finally {
    if (options.keep) {
      console.log(`\nProjects kept in ${root}; PostgreSQL databases kept: ${dropLater.join(', ') || 'none'}`);
    } else {
      for (const database of dropLater) dropPgDatabase(database);
      rmSync(root, { recursive: true, force: true });
    }
  }
  const python = runChecked([PYTHON, '-c', 'import platform, alembic, sqlalchemy; print(platform.python_version(), alembic.__version__, sqlalchemy.__version__)']).trim().split(' ');
  const cpu = os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const report = renderReport(cells, evaluateTargets(cells), {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.availableParallelism()} × ${cpu}, ${os.type()} ${os.release()}`,
    versions: `Node ${process.version}, Python ${python[0]}, Alembic ${python[1]}, SQLAlchemy ${python[2]}, MikroORM 7.2.1, hyperfine ${hyperfineVer}`,
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || 'unknown',
    tables: options.tables,
    runs: options.runs,
    quick: options.quick,
  });
  console.log(`\n${report}\n\nhyperfine's JSON exports: ${resultsDir}`);
  if (options.write) {
    mkdirSync(path.dirname(DOC), { recursive: true });
    writeFileSync(DOC, `${INTRO}\n${report}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), DOC)}.`);
  }
  console.log(`Done in ${((performance.now() - started) / 60_000).toFixed(1)} min.`);
}

const options = parseOptions(process.argv.slice(2));
if (options) main(options);
else console.log(USAGE);

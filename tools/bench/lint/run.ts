/**
 * Issue 21's speed target: `cgmigrate lint` over 1,000 PostgreSQL revisions within 2 s
 * wall, timed beside squawk on the same statements in the same run. See README.md.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, type } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { busyShare, cpuTicks, waitForQuiet } from '../revision-graph/cpu-load.ts';
import { postgresUrl, sh, shell, testServerUrl } from '../upgrade/database.ts';
import { assertCgmigrateBuilt, CGMIGRATE_BIN } from '../upgrade/runners/cgmigrate.ts';
import { run } from '../revision-graph/process.ts';
import { runLinter } from './process.ts';
import { summarizeProfile, type ProfileSummary } from './profile.ts';
import { squawkBinary } from './squawk-binary.ts';
import { writeSquawkInput } from './squawk-input.ts';
import { lintBenchGraph, plantedRules, revisionId, styleCounts, writeLintProject, type LintBenchRevision } from './workload.ts';

const SQUAWK_BIN = squawkBinary();
const REPORT = fileURLToPath(new URL('../../../docs/benchmarks/lint.md', import.meta.url));
const USAGE = `Usage: npx node tools/bench/lint/run.ts [--quick] [--keep] [--no-write] [--profile]

  --quick     one timed run of each tool (a smoke run); prints only
  --keep      keep the generated project and its database (both are printed)
  --no-write  print the report only (full mode writes docs/benchmarks/lint.md)
  --profile   also run cgmigrate lint once under node --cpu-prof and print where its time goes`;

/** Issue 21's target: linting 1,000 revisions within 2 s wall. */
const TARGET_SECONDS = 2;
const REVISIONS = 1000;
/** The server version every tool is told, so that none asks the server. */
const SERVER_VERSION = '15';
const DATABASE = 'cgm_bench_lint';
const ABSENT_DATABASE = 'cgm_bench_lint_absent';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, keep: { type: 'boolean' }, 'no-write': { type: 'boolean' }, profile: { type: 'boolean' }, help: { type: 'boolean' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick === true;
const runs = quick ? 1 : 5;

assertCgmigrateBuilt();
const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-bench-lint-'));
const admin = testServerUrl();
const psql = (statement: string) => shell(`psql ${sh(admin)} -q -X -v ON_ERROR_STOP=1 -c ${sh(statement)}`, dir);
const dropDatabases = () => {
  for (const name of [DATABASE, ABSENT_DATABASE]) psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
};
try {
  const revisions = lintBenchGraph(REVISIONS);
  const first = revisions[0]!.id;
  const url = postgresUrl(DATABASE);
  const absentUrl = postgresUrl(ABSENT_DATABASE);
  writeLintProject(dir, url, revisions);
  const cli = (...args: string[]) => ({ argv: [process.execPath, CGMIGRATE_BIN, ...args] as [string, ...string[]], cwd: dir });

  // The configured database exists and is at the first revision, which created every table the others change.
  dropDatabases();
  psql(`CREATE DATABASE "${DATABASE}"`);
  run(cli('upgrade', first, '--quiet'));

  // squawk's input: what `upgrade --sql` renders from the first revision on, one file per revision.
  const script = run(cli('upgrade', `${first}:heads`, '--sql', '--quiet')).stdout;
  const squawkFiles = writeSquawkInput(path.join(dir, 'sql'), script).map((file) => path.relative(dir, file));
  if (squawkFiles.length !== revisions.length - 1) throw new Error(`the offline script has ${squawkFiles.length} revisions, not ${revisions.length - 1}`);

  const tools = {
    'cgmigrate lint (database at the first revision)': cli('lint', '--quiet', '--server-version', SERVER_VERSION),
    'cgmigrate lint --all (database absent)': cli('lint', '--all', '--quiet', '--server-version', SERVER_VERSION, '--url', absentUrl),
    squawk: { argv: [SQUAWK_BIN, '--pg-version', SERVER_VERSION, '--assume-in-transaction', '--reporter', 'gcc', ...squawkFiles] as [string, ...string[]], cwd: dir },
  } as const;
  const names = Object.keys(tools) as (keyof typeof tools)[];
  const main: keyof typeof tools = 'cgmigrate lint (database at the first revision)';

  // Checked once (untimed): every planted rule is found where it was planted; this also warms the caches.
  const reachable = checkFindings(runLinter(cli('lint', '--json', '--server-version', SERVER_VERSION)).stdout, revisions, 'unapplied');
  const absent = checkFindings(runLinter(cli('lint', '--all', '--json', '--server-version', SERVER_VERSION, '--url', absentUrl)).stdout, revisions, 'all');
  const squawkFound = countSquawk(runLinter({ ...tools.squawk, argv: [SQUAWK_BIN, '--pg-version', SERVER_VERSION, '--assume-in-transaction', '--reporter', 'json', ...squawkFiles] }).stdout);

  // Side by side: each pass runs every tool once, the order rotating between passes; after other work on the machine has calmed down (up to 2 minutes).
  if (!quick) waitForQuiet(0.15, 120_000);
  const ticksBefore = cpuTicks();
  const times = new Map<string, number[]>(names.map((name) => [name, []]));
  const cpu = new Map<string, number[]>(names.map((name) => [name, []]));
  const statuses = new Map<string, Set<number>>(names.map((name) => [name, new Set()]));
  const timedFrom = performance.now();
  for (let pass = 0; pass < runs; pass++) {
    const order = names.map((_, i) => names[(i + pass) % names.length]!);
    for (const name of order) {
      const timed = runLinter(tools[name]);
      times.get(name)!.push(timed.ms);
      if (timed.cpuMs !== undefined) cpu.get(name)!.push(timed.cpuMs);
      statuses.get(name)!.add(timed.status);
    }
  }
  const machine = machineLoad(busyShare(ticksBefore, cpuTicks()), performance.now() - timedFrom, [...cpu.values()].flat());

  // A miss is profiled in a full run: the report then says where the time goes.
  const missed = median(times.get(main)!) > TARGET_SECONDS * 1000;
  const profile = values.profile || (missed && !quick) ? profileLint(cli, dir) : undefined;
  const report = renderReport({ revisions, times, cpu, statuses, names, main, reachable, absent, squawkFound, machine, profile, postgres: serverVersion() });
  console.log(report);
  if (!quick && !values['no-write']) writeFileSync(REPORT, report);
} finally {
  if (values.keep) console.log(`kept ${dir} and the database ${DATABASE}`);
  else {
    dropDatabases();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What one cgmigrate lint run found: per rule, and the planted rules it missed. */
interface Found {
  readonly revisions: number;
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly perRule: Map<string, number>;
}

/**
 * Reads `lint --json` and checks it: the expected revisions were linted, and each
 * revision has a finding of every rule its case planted. Throws with the misses.
 */
function checkFindings(stdout: string, revisions: readonly LintBenchRevision[], scope: string): Found {
  const result = JSON.parse(stdout) as {
    findings: { ruleId: string; revision: string }[];
    revisions: string[];
    scope: string;
    database: { reached: boolean | string };
    errors: number;
    warnings: number;
    unavailable?: string;
  };
  if (result.unavailable !== undefined) throw new Error(`cgmigrate lint linted nothing: ${result.unavailable}`);
  if (result.scope !== scope) throw new Error(`cgmigrate lint chose the scope ${result.scope}, not ${scope}`);
  // The main command reaches the configured database; the other is meant not to reach its absent one.
  if (result.database.reached !== (scope === 'unapplied')) throw new Error(`cgmigrate lint (${scope}): the database reached is ${String(result.database.reached)}`);
  const expected = scope === 'all' ? revisions.length : revisions.length - 1;
  if (result.revisions.length !== expected) throw new Error(`cgmigrate lint linted ${result.revisions.length} revisions, not ${expected}`);
  const byRevision = new Map<string, Set<string>>();
  const perRule = new Map<string, number>();
  for (const finding of result.findings) {
    byRevision.set(finding.revision, (byRevision.get(finding.revision) ?? new Set()).add(finding.ruleId));
    perRule.set(finding.ruleId, (perRule.get(finding.ruleId) ?? 0) + 1);
  }
  const missed: string[] = [];
  for (const revision of revisions) {
    for (const rule of revision.case?.rules ?? []) {
      if (!byRevision.get(revision.id)?.has(rule)) missed.push(`${revision.id} (${revision.case!.name}, ${revision.case!.style}): no ${rule}`);
    }
  }
  if (missed.length > 0) throw new Error(`cgmigrate lint (${scope}) missed ${missed.length} planted findings:\n${missed.slice(0, 40).join('\n')}`);
  return { revisions: result.revisions.length, findings: result.findings.length, errors: result.errors, warnings: result.warnings, perRule };
}

/** squawk's violations per rule, from its JSON reporter. */
function countSquawk(stdout: string): Map<string, number> {
  const perRule = new Map<string, number>();
  for (const violation of JSON.parse(stdout) as { rule_name: string }[]) perRule.set(violation.rule_name, (perRule.get(violation.rule_name) ?? 0) + 1);
  return perRule;
}

/** One more run of the main command, under `node --cpu-prof`, summed up. */
function profileLint(cli: (...args: string[]) => { argv: [string, ...string[]]; cwd: string }, dir: string): ProfileSummary {
  const profiles = path.join(dir, 'profiles');
  const command = cli('lint', '--quiet', '--server-version', SERVER_VERSION);
  const [node, ...rest] = command.argv;
  runLinter({ argv: [node, '--cpu-prof', '--cpu-prof-dir', profiles, ...rest], cwd: dir });
  const [file] = readdirSync(profiles).filter((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`node --cpu-prof wrote no profile in ${profiles}`);
  return summarizeProfile(path.join(profiles, file));
}

function serverVersion(): string {
  return run({ argv: ['psql', testServerUrl(), '-AtX', '-c', 'SHOW server_version'], cwd: tmpdir() }).stdout.trim().split(' ')[0] ?? 'unknown';
}

interface ReportInput {
  readonly revisions: readonly LintBenchRevision[];
  readonly times: ReadonlyMap<string, readonly number[]>;
  /** The exit statuses each tool's timed runs ended with. */
  readonly statuses: ReadonlyMap<string, ReadonlySet<number>>;
  readonly names: readonly string[];
  readonly main: string;
  readonly reachable: Found;
  readonly absent: Found;
  readonly squawkFound: ReadonlyMap<string, number>;
  /** CPU time (user and system) of each timed run, in ms, per tool; empty off Linux. */
  readonly cpu: ReadonlyMap<string, readonly number[]>;
  readonly machine: MachineLoad | undefined;
  readonly profile: ProfileSummary | undefined;
  readonly postgres: string;
}

function median(list: readonly number[]): number {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function renderReport(input: ReportInput): string {
  const { revisions, times, cpu, statuses, names, main, reachable, absent, squawkFound } = input;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const mainMs = median(times.get(main)!);
  const squawkMs = median(times.get('squawk')!);
  const merges = revisions.filter((revision) => revision.parents.length > 1).length;
  const styles = styleCounts(revisions);
  const planted = plantedRules(revisions);
  const rules = [...new Set([...planted.keys(), ...reachable.perRule.keys(), ...absent.perRule.keys()])].sort();
  const squawkTotal = [...squawkFound.values()].reduce((sum, n) => sum + n, 0);
  const facts = cpus();
  const lines = [
    '# Benchmark: `cgmigrate lint`',
    '',
    '<!-- written by tools/bench/lint/run.ts; do not edit by hand -->',
    '',
    `Issue 21's speed target: linting ${REVISIONS.toLocaleString('en')} revisions within ${TARGET_SECONDS} s wall, with squawk timed on the same statements in the same run. ` +
      `A PostgreSQL project of ${REVISIONS.toLocaleString('en')} revisions (a line, with ${merges} forks of two revisions merged again): the first creates the tables, ` +
      `each of the others makes one change that a rule flags, ${styles.sql} as raw SQL (\`op.execute\`) and ${styles.operations} as schema operations (\`op.*\`), ` +
      'all on tables of the first revision (see tools/bench/lint/README.md for the changes).',
    '',
    `Machine: ${facts.length} CPUs (${facts[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown'}), ${type()} ${release()}; Node ${process.versions.node}; ` +
      `PostgreSQL ${input.postgres}; squawk ${run({ argv: [SQUAWK_BIN, '--version'], cwd: tmpdir() }).stdout.trim().replace(/^squawk /, '')}; cgmigrate at ${commit()}. ` +
      loadNote(input.machine),
    '',
    'Reproduce (after `npx nx run-many -t build`, with the PostgreSQL server of the tests running):',
    '',
    '<!-- illustrative: the bench takes about a minute and needs PostgreSQL; its results are written below -->',
    '```sh',
    `npx node tools/bench/lint/run.ts${input.profile === undefined ? '' : ' --profile'}`,
    '```',
    '',
    `Whole processes, ${runs} timed run${runs === 1 ? '' : 's'} of each, side by side (each pass runs every tool once, in rotating order); wall time in seconds, and the CPU time (user and system, all threads) each process used.`,
    '',
    '| tool | median | min | max | runs (s) | CPU time, median |',
    '| --- | ---: | ---: | ---: | --- | ---: |',
    ...names.map((name) => {
      const list = times.get(name)!;
      const cpuList = cpu.get(name)!;
      return (
        `| ${name} | ${seconds(median(list))} | ${seconds(Math.min(...list))} | ${seconds(Math.max(...list))} | ${list.map((ms) => (ms / 1000).toFixed(2)).join(', ')} | ` +
        `${cpuList.length === 0 ? '—' : seconds(median(cpuList))} |`
      );
    }),
    '',
    '| target | figure | result |',
    '| --- | ---: | --- |',
    `| \`cgmigrate lint\` of ${REVISIONS.toLocaleString('en')} revisions ≤ ${TARGET_SECONDS.toFixed(1)} s (median, database reachable) | ${seconds(mainMs)} | ${mainMs <= TARGET_SECONDS * 1000 ? 'PASS' : 'MISS'} |`,
    `| (for comparison) cgmigrate ÷ squawk | ${(mainMs / squawkMs).toFixed(2)}× | — |`,
    '',
    'The commands:',
    '',
    `- \`cgmigrate lint --quiet --server-version ${SERVER_VERSION}\` with the configured database at the first revision: it asks the database which revisions it has ` +
      `applied and lints the ${reachable.revisions} it has not, in text format (the main figure);`,
    `- \`cgmigrate lint --all --quiet --server-version ${SERVER_VERSION} --url postgresql://…/${ABSENT_DATABASE}\`, a database that does not exist: the connection fails, and ` +
      `all ${absent.revisions.toLocaleString('en')} revisions are linted, each as if its ancestors were applied;`,
    `- \`squawk --pg-version ${SERVER_VERSION} --assume-in-transaction --reporter gcc\` on ${(REVISIONS - 1).toLocaleString('en')} files, one per revision after the first: the statements ` +
      `\`cgmigrate upgrade ${revisionId(1)}:heads --sql\` renders (rendered once, untimed; the version-table and audit statements left out), in one process.`,
    '',
    'cgmigrate loads and renders each migration (TypeScript, through the schema model for `op.*`) before its linter reads the statements; squawk reads SQL files. ' +
      `Exit statuses (1: errors found): ${names.map((name) => `${name} ${[...statuses.get(name)!].join(' and ')}`).join('; ')}.`,
    '',
    '## Findings',
    '',
    `Checked before the timed runs: each revision has a finding of every rule its change was written to trigger (the "planted" column counts those revisions). ` +
      `The database reachable: ${reachable.findings.toLocaleString('en')} findings (${reachable.errors} errors, ${reachable.warnings} warnings) in ${reachable.revisions} revisions; ` +
      `absent, \`--all\`: ${absent.findings.toLocaleString('en')} (${absent.errors} errors, ${absent.warnings} warnings) in ${absent.revisions.toLocaleString('en')}.`,
    '',
    '| rule | planted | found (database reachable) | found (`--all`, database absent) |',
    '| --- | ---: | ---: | ---: |',
    ...rules.map((rule) => `| ${rule} | ${planted.get(rule) ?? '—'} | ${reachable.perRule.get(rule) ?? 0} | ${absent.perRule.get(rule) ?? 0} |`),
    '',
    `squawk reported ${squawkTotal} violations: ${[...squawkFound].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} ${n}`).join(', ')}.`,
    ...(input.profile === undefined ? [] : ['', ...renderProfile(input.profile)]),
    '',
  ];
  return lines.join('\n');
}

/** How busy the CPUs were while the tools were timed, and how much of that was the tools themselves. */
interface MachineLoad {
  readonly cores: number;
  /** Cores busy on average over the timed passes. */
  readonly busyCores: number;
  /** Of which the timed processes (their CPU time over the passes' wall time). */
  readonly toolCores: number;
}

function machineLoad(busy: number | undefined, wallMs: number, toolCpuMs: readonly number[]): MachineLoad | undefined {
  const cores = cpus().length;
  if (busy === undefined || toolCpuMs.length === 0) return undefined;
  return { cores, busyCores: busy * cores, toolCores: toolCpuMs.reduce((sum, ms) => sum + ms, 0) / wallMs };
}

function loadNote(load: MachineLoad | undefined): string {
  if (load === undefined) return '';
  const other = Math.max(0, load.busyCores - load.toolCores);
  return (
    `During the timed runs ${load.busyCores.toFixed(2)} of ${load.cores} cores were busy on average, ${load.toolCores.toFixed(2)} of them the timed processes themselves` +
    (other > 0.25 ? `: other work took ${other.toFixed(2)} cores, so the figures may be inflated.` : '.')
  );
}

function renderProfile(profile: ProfileSummary): string[] {
  const share = (ms: number) => `${((ms / profile.totalMs) * 100).toFixed(1)}%`;
  return [
    '## Where the time goes',
    '',
    `One more run of the main command under \`node --cpu-prof\` (${(profile.totalMs / 1000).toFixed(2)} s sampled; self time). ` +
      "WebAssembly is libpg-query's parser, the only WebAssembly module the command loads; the CLI's bundle (`packages/cli/dist/fast`) holds core, the adapters and the dependencies it bundles.",
    '',
    '| package | self time | share |',
    '| --- | ---: | ---: |',
    ...profile.packages.slice(0, 12).map((entry) => `| ${entry.name} | ${entry.ms.toFixed(0)} ms | ${share(entry.ms)} |`),
    '',
    '| function | self time | share |',
    '| --- | ---: | ---: |',
    ...profile.functions.slice(0, 25).map((entry) => `| \`${entry.name.replaceAll('|', '\\|')}\` | ${entry.ms.toFixed(0)} ms | ${share(entry.ms)} |`),
  ];
}

function commit(): string {
  const head = run({ argv: ['git', 'rev-parse', '--short', 'HEAD'], cwd: import.meta.dirname }).stdout.trim();
  const dirty = run({ argv: ['git', 'status', '--porcelain', '--untracked-files=no', '--', ':/packages'], cwd: import.meta.dirname }).stdout.trim().length > 0;
  return dirty ? `${head} plus uncommitted changes in packages/` : head;
}

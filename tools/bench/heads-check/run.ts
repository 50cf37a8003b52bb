/**
 * Issue 20's pre-merge guard: `cgmigrate heads --check` against `cgmigrate heads` on a
 * 10,000-revision script directory, whole processes, side by side in one hyperfine run.
 * The target: `heads --check` within 2× of `heads`, so that a git hook may run it on every
 * commit. Also times the failing check (a second head), which must report as fast.
 *
 * `npx node tools/bench/heads-check/run.ts [--quick]`: the full run writes its section of
 * docs/benchmarks/heads-check.md; `--quick` (5 timed runs each) prints only.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildGraph, revisionId } from '../revision-graph/graph.ts';
import { hyperfine, hyperfineVersion, type RunCount, type Timing } from '../revision-graph/hyperfine.ts';
import { machineFacts } from '../revision-graph/machine.ts';
import { benchEnv } from '../revision-graph/process.ts';
import { assertCgmigrateBuilt, CGMIGRATE_BIN } from '../revision-graph/runners/cgmigrate.ts';
import { writeWorkload } from '../revision-graph/workload.ts';

const REVISIONS = 10_000;
const TARGET_RATIO = 2;
const DOC = fileURLToPath(new URL('../../../docs/benchmarks/heads-check.md', import.meta.url));
const START = '<!-- bench:heads-check:start -->';
const END = '<!-- bench:heads-check:end -->';

const quick = process.argv.includes('--quick');
if (process.argv.includes('--help')) {
  process.stdout.write('npx node tools/bench/heads-check/run.ts [--quick]\n  --quick  5 timed runs each, prints only\n');
  process.exit(0);
}
const count: RunCount = quick ? { warmup: 2, runs: { exact: 5 } } : { warmup: 3, runs: { min: 20, max: 40 } };

assertCgmigrateBuilt();
const hyperfineAt = hyperfineVersion();
const root = mkdtempSync(path.join(tmpdir(), 'cgmigrate-bench-heads-check-'));
try {
  const graph = buildGraph('branched', REVISIONS);
  const oneHead = writeWorkload(root, graph).cgmigrate.dir;
  // The same scripts and one more revision forking off the first one: two heads, as after a git merge.
  const twoHeads = path.join(root, 'two-heads');
  cpSync(oneHead, twoHeads, { recursive: true });
  const stray = revisionId('branched', REVISIONS + 1);
  const first = graph.revisions[0]!.id;
  writeFileSync(
    path.join(twoHeads, 'migrations', 'versions', `20240101_${stray}_stray.ts`),
    `export default { revision: '${stray}', downRevision: '${first}', message: 'stray', async up() {}, async down() {} };\n`,
  );

  const argv = (project: string, ...args: string[]): readonly [string, ...string[]] => [
    process.execPath,
    CGMIGRATE_BIN,
    ...args,
    '--config',
    path.join(project, 'cgmigrate.config.json'),
  ];
  const commands = [
    { name: 'heads', argv: argv(oneHead, 'heads'), exit: 0, stdout: `${graph.head} (head)\n` },
    { name: 'heads --check', argv: argv(oneHead, 'heads', '--check'), exit: 0, stdout: `${graph.head} (head)\n` },
    { name: 'heads --check, two heads (fails)', argv: argv(twoHeads, 'heads', '--check'), exit: 1, stdout: '' },
  ];
  // Each command once, checked: what it prints and how it exits (this also writes the header index).
  for (const command of commands) {
    const [program, ...args] = command.argv;
    const result = spawnSync(program, args, { cwd: root, env: benchEnv(), encoding: 'utf8' });
    if (result.status !== command.exit || result.stdout !== command.stdout) {
      throw new Error(`${command.name}: exit ${result.status}, stdout ${JSON.stringify(result.stdout)}, stderr ${result.stderr}`);
    }
  }
  // `-i`: the failing check exits 1 on purpose.
  const loadBefore = loadavg()[0]!;
  const timings = hyperfine(
    commands.map((command) => ({ name: command.name, argv: ['/bin/sh', '-c', `${command.argv.map(quote).join(' ')} >/dev/null 2>&1; true`], expects: { what: '', test: () => true } })),
    count,
    root,
    path.join(root, 'hyperfine.json'),
  );
  const report = renderReport(timings, count, hyperfineAt, Math.max(loadBefore, loadavg()[0]!));
  process.stdout.write(`${report}\n`);
  if (!quick) {
    const doc = readFileSync(DOC, 'utf8');
    const start = doc.indexOf(START);
    const end = doc.indexOf(END);
    if (start < 0 || end < start) throw new Error(`${DOC} has no ${START} … ${END} section`);
    writeFileSync(DOC, `${doc.slice(0, start + START.length)}\n${report}\n${doc.slice(end)}`);
    process.stdout.write(`Wrote ${path.relative(process.cwd(), DOC)}\n`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

function renderReport(timings: readonly Timing[], runs: RunCount, hyperfineAt: string, load: number): string {
  const facts = machineFacts({ alembic: 'not used', knex: 'not used', hyperfine: hyperfineAt });
  const base = timings.find((t) => t.name === 'heads')!;
  const rows = timings.map((t) => {
    const ratio = t.medianMs / base.medianMs;
    return `| \`cgmigrate ${t.name}\` | ${t.medianMs.toFixed(0)} ± ${t.stddevMs.toFixed(0)} | ${ratio.toFixed(2)}× |`;
  });
  const worst = Math.max(...timings.map((t) => t.medianMs / base.medianMs));
  return [
    `### Results (${facts.date}${quick ? ', --quick' : ''})`,
    '',
    `Machine: ${facts.cpus} CPUs (${facts.cpuModel}), ${facts.os}. Node ${facts.node}; hyperfine ${facts.hyperfine}. cgmigrate at ${facts.commit}.`,
    '',
    `Median wall time in milliseconds (± standard deviation) of one whole process on ${REVISIONS.toLocaleString('en')} revisions ` +
      `(every 50, two lines of five fork and merge again), with the header index warm, by hyperfine ` +
      `(${runs.warmup} warm-up + ${'exact' in runs.runs ? runs.runs.exact : `${runs.runs.min}–${runs.runs.max}`} timed runs each, in one run side by side). ` +
      `Load average (1 min) around the run: ${load.toFixed(1)} on ${facts.cpus} CPUs` +
      (load > facts.cpus * 0.65 ? ': other work shared the machine, so compare the ratios, not the milliseconds.' : '.'),
    '',
    '| command | median ms | vs `heads` |',
    '| --- | ---: | ---: |',
    ...rows,
    '',
    `Target: \`heads --check\` within ${TARGET_RATIO}× of \`heads\`: ${worst <= TARGET_RATIO ? 'met' : 'missed'} (worst ${worst.toFixed(2)}×).`,
  ].join('\n');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

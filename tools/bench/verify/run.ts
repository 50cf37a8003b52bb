/**
 * `cgmigrate verify` over 500 revisions with 20 merges on SQLite, timed beside the same
 * stairway done with the `sqlite3` CLI alone. See README.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { run } from '../revision-graph/process.ts';
import { benchGraph, writeWorkload } from './workload.ts';

const BIN = fileURLToPath(new URL('../../../packages/cli/bin/run.js', import.meta.url));
const REPORT = fileURLToPath(new URL('../../../docs/benchmarks/verify.md', import.meta.url));
const USAGE = `Usage: npx node tools/bench/verify/run.ts [--quick] [--keep] [--no-write]

  --quick     one timed run of each tool (a smoke run); prints only
  --keep      keep the generated project (its folder is printed)
  --no-write  print the report only (full mode writes docs/benchmarks/verify.md)`;

/** Targets of issue 20: verify within a minute, and within 1.5 times the sqlite3 stairway. */
const TARGET_SECONDS = 60;
const TARGET_RATIO = 1.5;
const SEGMENTS = 20;

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, keep: { type: 'boolean' }, 'no-write': { type: 'boolean' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick === true;
const runs = quick ? 1 : 5;

const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-bench-verify-'));
try {
  const revisions = benchGraph(SEGMENTS);
  const merges = revisions.filter((revision) => revision.parents.length > 1).length;
  writeWorkload(dir, revisions);
  const peerDb = path.join(dir, 'stairway.db');
  const tools = {
    cgmigrate: () => run({ argv: [process.execPath, BIN, 'verify', '--quiet'], cwd: dir }),
    'sqlite3 stairway': () => run({ argv: ['sh', './sqlite3-stairway.sh', peerDb], cwd: dir }),
  } as const;

  // Checked once (untimed): both pass, and cgmigrate stepped through every revision; this also warms the caches.
  const checked = run({ argv: [process.execPath, BIN, 'verify', '--json'], cwd: dir });
  const result = JSON.parse(checked.stdout) as { ok: boolean; stairway: string[] };
  if (!result.ok || result.stairway.length !== revisions.length) throw new Error(`verify did not pass over ${revisions.length} revisions: ${checked.stdout.slice(0, 500)}`);
  tools['sqlite3 stairway']();

  // Side by side: each pass runs every tool once, the order alternating between passes.
  const times = new Map<string, number[]>(Object.keys(tools).map((name) => [name, []]));
  const names = Object.keys(tools) as (keyof typeof tools)[];
  for (let pass = 0; pass < runs; pass++) {
    for (const name of pass % 2 === 0 ? names : [...names].reverse()) times.get(name)!.push(tools[name]().ms);
  }
  const median = (list: readonly number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const verifyMs = median(times.get('cgmigrate')!);
  const peerMs = median(times.get('sqlite3 stairway')!);
  const ratio = verifyMs / peerMs;
  const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    '# Benchmark: `cgmigrate verify`',
    '',
    '<!-- written by tools/bench/verify/run.ts; do not edit by hand -->',
    '',
    `${revisions.length} revisions with ${merges} merges on SQLite (each a small DDL change: a table created, a column added, an index created, with its inverse as down), ` +
      `every revision up, down (the schema compared with the one before its up) and up again. Whole processes, ${runs} timed run${runs === 1 ? '' : 's'} of each, side by side in alternating order, medians; ` +
      `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}, sqlite3 CLI ${run({ argv: ['sqlite3', '--version'], cwd: dir }).stdout.split(' ')[0]}.`,
    '',
    '| tool | median | runs (s) |',
    '| --- | --- | --- |',
    ...names.map((name) => `| ${name} | ${seconds(median(times.get(name)!))} | ${times.get(name)!.map((ms) => (ms / 1000).toFixed(2)).join(', ')} |`),
    '',
    '| target | figure | met |',
    '| --- | --- | --- |',
    `| verify ≤ ${TARGET_SECONDS} s | ${seconds(verifyMs)} | ${verifyMs <= TARGET_SECONDS * 1000 ? 'yes' : 'no'} |`,
    `| verify ≤ ${TARGET_RATIO}× the sqlite3 stairway | ${ratio.toFixed(2)}× | ${ratio <= TARGET_RATIO ? 'yes' : 'no'} |`,
    '',
    'What each does per revision: cgmigrate runs the up, the down and the up again through its runner (a transaction each, with the version row, the audit row and the lock check before commit), ' +
      'and reads `sqlite_master` before the up and after the down (MikroORM compares only when the two differ); ' +
      'the peer runs one `sqlite3` process that reads the up, the down, dumps `.schema`, reads the up again and dumps `.schema`, then `cmp`. ' +
      'cgmigrate also builds the graph, runs one full upgrade on a first throwaway database, and `downgrade base` at the end.',
    '',
    'Both are bound by the disk: each commits about 1,500 times, and SQLite syncs each commit to the file. On this shared machine ' +
      'the same run varies up to threefold with what else writes to the disk, which the alternating passes spread over both tools; ' +
      'compare the medians, and the runs of one pass side by side.',
    '',
  ];
  const report = lines.join('\n');
  console.log(report);
  if (!quick && !values['no-write']) writeFileSync(REPORT, report);
} finally {
  if (values.keep) console.log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/**
 * Measures one workload: each tool runs once on fresh tenants and is checked (every
 * tenant at head with its tables), then every tool is timed, each run on fresh
 * tenants, in passes that take the tools in the upgrade bench's balanced orders. Every
 * run, checked or timed, also records its peak RSS.
 */
import path from 'node:path';
import type { RevisionGraph } from '../revision-graph/graph.ts';
import { shell } from '../upgrade/database.ts';
import type { RunCount, Timing } from '../upgrade/hyperfine.ts';
import { timePasses } from '../upgrade/passes.ts';
import { assertTenantsAtHead } from './check.ts';
import { readPeakRss, withPeakRss } from './rss.ts';
import type { Tenants } from './tenants.ts';

/** One tool's round in one workload. */
export interface Round {
  readonly tool: string;
  readonly label: string;
  readonly dir: string;
  /** The command that brings every tenant to head, run from `dir`. */
  readonly command: string;
  readonly tenants: Tenants;
  /** Where GNU time appends each run's peak RSS. */
  readonly rssFile: string;
}

/** One tool's figures in one workload. */
export interface ToolResult {
  readonly tool: string;
  readonly label: string;
  readonly timing: Timing;
  /** Wall time of the checked run, ms (the first run: it also fills Node's compile cache and Python's bytecode). */
  readonly checkedMs: number;
  /** Peak RSS of every run, checked and timed, in KiB. */
  readonly rssKiB: readonly number[];
}

/** The figures of one workload, and how busy the CPUs were while it was timed. */
export interface Measurement {
  readonly tools: readonly ToolResult[];
  /** Share of all cores busy during the timed passes. */
  readonly cpuBusy: number | undefined;
}

/** `cd <dir> && <command>` under GNU time: what hyperfine runs. */
function measuredCommand(round: Round): string {
  return withPeakRss(`cd '${round.dir.replaceAll("'", `'\\''`)}' && ${round.command}`, round.rssFile);
}

/** Runs each round once on fresh tenants and checks them; throws on the first tool that left a tenant behind. */
function probe(rounds: readonly Round[], graph: RevisionGraph): Map<string, number> {
  const times = new Map<string, number>();
  for (const round of rounds) {
    shell(round.tenants.reset, round.dir);
    const started = performance.now();
    shell(measuredCommand(round), round.dir);
    const ms = performance.now() - started;
    assertTenantsAtHead(round.label, round.tenants, graph);
    times.set(round.tool, ms);
    const rss = readPeakRss(round.rssFile).at(-1);
    console.log(`   ${round.label}: ${seconds(ms)} s, peak RSS ${rss === undefined ? '?' : mebibytes(rss)} MiB (checked: ${round.tenants.names.length} tenants at head)`);
  }
  return times;
}

/** Checks, then times, every round; hyperfine's JSON goes to `resultsDir/<id>-pass-<n>.json`. */
export function measure(id: string, rounds: readonly Round[], graph: RevisionGraph, count: RunCount, resultsDir: string): Measurement {
  const checked = probe(rounds, graph);
  const { timings, cpuBusy } = timePasses({
    id,
    rounds,
    count,
    resultsDir,
    cwd: path.dirname(rounds[0]!.dir),
    command: (round) => ({ name: round.label, command: measuredCommand(round), prepare: round.tenants.reset }),
    progressName: (round) => round.tool,
  });
  const tools = rounds.map((round, at) => ({
    tool: round.tool,
    label: round.label,
    timing: timings[at]!,
    checkedMs: checked.get(round.tool)!,
    rssKiB: readPeakRss(round.rssFile),
  }));
  return { tools, cpuBusy };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

/** KiB as MiB, one decimal. */
export function mebibytes(kib: number): string {
  return (kib / 1024).toFixed(1);
}

/** Command-line options and what they choose: workloads and run counts. */
import { parseArgs } from 'node:util';
import type { GraphShape } from './graph.ts';
import type { MeasureSettings } from './measure.ts';

/** One workload to generate and measure. */
export interface WorkloadSpec {
  /** Stable id, used in file names and targets, e.g. `linear-1000`. */
  readonly id: string;
  readonly label: string;
  readonly shape: GraphShape;
  readonly count: number;
}

export const LINEAR_1K: WorkloadSpec = { id: 'linear-1000', label: 'linear 1,000', shape: 'linear', count: 1000 };
export const LINEAR_10K: WorkloadSpec = { id: 'linear-10000', label: 'linear 10,000', shape: 'linear', count: 10_000 };
export const BRANCHED_10K: WorkloadSpec = {
  id: 'branched-10000',
  label: 'graph 10,000 (200 merges)',
  shape: 'branched',
  count: 10_000,
};

export interface BenchOptions {
  readonly quick: boolean;
  /** Keep the generated projects and databases. */
  readonly keep: boolean;
  /** Rewrite this benchmark's section of docs/benchmarks.md. */
  readonly write: boolean;
  readonly workloads: readonly WorkloadSpec[];
  readonly measure: MeasureSettings;
  /** Another checkout's built CLI (`…/packages/cli/bin/run.js`), timed beside this one. */
  readonly baseline: string | undefined;
}

export const USAGE = `Usage: npx node tools/bench/revision-graph/run.ts [--quick] [--keep] [--no-write] [--write]

  --quick     1,000 revisions only, fewer runs (a smoke run, under 2 minutes); does not write docs/benchmarks.md
  --keep      keep the generated projects and databases (their folder is printed)
  --no-write  print the table only, in full mode
  --write     also write docs/benchmarks.md in --quick mode
  --baseline BIN  also time another checkout's built CLI (its packages/cli/bin/run.js) in the same
              run, its rows named "cgmigrate at <commit>": a before/after comparison in one run

Environment: CGMIGRATE_BENCH_PEERS=<dir> takes knex and better-sqlite3 from <dir>/node_modules;
CGMIGRATE_ALEMBIC_PYTHON picks the Python that runs Alembic (default /usr/bin/python3).`;

/** Parses `argv` (without node and the script). Returns `undefined` for `--help`. */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const quick = values.quick;
  return {
    quick,
    keep: values.keep,
    write: values['no-write'] ? false : (values.write ?? !quick),
    workloads: quick ? [LINEAR_1K] : [LINEAR_1K, LINEAR_10K, BRANCHED_10K],
    measure: quick
      ? { normal: { warmup: 1, runs: { exact: 5 } }, slow: { warmup: 0, runs: { exact: 2 } }, slowLaneMs: 5000 }
      : { normal: { warmup: 3, runs: { min: 10, max: 40 } }, slow: { warmup: 0, runs: { exact: 3 } }, slowLaneMs: 5000 },
    baseline: values.baseline,
  };
}

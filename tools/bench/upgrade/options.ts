/** Command-line options and what they choose: workloads, dialects and run counts. */
import { parseCommonOptions } from './common-options.ts';
import type { RunCount } from './hyperfine.ts';

/** The databases a workload runs on. */
export type Dialect = 'sqlite' | 'postgresql';

/** One workload: this many migrations (each creates, and drops, one table) on one dialect. */
export interface WorkloadSpec {
  /** Stable id, used in file, database and target names, e.g. `sqlite-1000`. */
  readonly id: string;
  readonly label: string;
  readonly dialect: Dialect;
  readonly count: number;
  readonly runs: RunCount;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Keep the generated projects (their folder is printed). */
  readonly keep: boolean;
  /** Rewrite docs/benchmarks/upgrade.md. */
  readonly write: boolean;
  readonly workloads: readonly WorkloadSpec[];
  /** Another checkout's built CLI (`…/packages/cli/bin/run.js`), timed beside this one as `cgmigrate (baseline)`. */
  readonly baseline: string | undefined;
}

export const USAGE = `Usage: npx node tools/bench/upgrade/run.ts [--quick] [--keep] [--no-write] [--write] [--only sqlite|postgresql]

  --quick     1,000 migrations only, one timed pass (a smoke run); does not write the report
  --keep      keep the generated projects (their folder is printed)
  --no-write  print the report only, in full mode
  --write     also write docs/benchmarks/upgrade.md in --quick mode
  --only D    measure one dialect only
  --baseline BIN  also time another checkout's built CLI (its packages/cli/bin/run.js) in the same
              passes, as "cgmigrate (baseline)": a before/after comparison in one run

Environment: CGMIGRATE_TEST_PG_URL names the PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres);
CGMIGRATE_ALEMBIC_PYTHON picks the Python that runs Alembic (default /usr/bin/python3).`;

const DIALECT_LABEL: Readonly<Record<Dialect, string>> = { sqlite: 'SQLite', postgresql: 'PostgreSQL' };

function workload(dialect: Dialect, count: number, runs: RunCount): WorkloadSpec {
  const label = `${DIALECT_LABEL[dialect]}, ${count.toLocaleString('en-US')}`;
  return { id: `${dialect}-${count}`, label, dialect, count, runs };
}

/**
 * The full run: every workload the targets need. Alembic and knex commit (and so
 * fsync) once per migration on SQLite, which makes their rounds the slow part of the
 * bench (a minute or more at 4,000 on a busy disk). On a shared virtual machine a single
 * process varies by ±30 % from run to run, and the targets are ratios of medians. The
 * 1,000 workloads run one whole balanced order of their tools (see `passOrder`): 10
 * passes of SQLite's 5 tools, 6 of PostgreSQL's 6; the 4,000 one runs 3 passes. About
 * 10 minutes in all on 2 cores.
 */
export function fullWorkloads(): WorkloadSpec[] {
  return [
    workload('sqlite', 1000, { warmup: 0, runs: { exact: 10 } }),
    workload('postgresql', 1000, { warmup: 0, runs: { exact: 6 } }),
    workload('sqlite', 4000, { warmup: 0, runs: { exact: 3 } }),
    // No PostgreSQL 4,000: 4,000 CREATE TABLEs in one transaction need more locks than the
    // server's default lock table holds (max_locks_per_transaction 64 × max_connections 100);
    // psql -1, cgmigrate, Alembic, node-pg-migrate and MikroORM all fail with "out of shared memory".
  ];
}

/** A smoke run: 1,000 migrations on each dialect, checked, then timed once. */
export function quickWorkloads(): WorkloadSpec[] {
  return [workload('sqlite', 1000, { warmup: 0, runs: { exact: 1 } }), workload('postgresql', 1000, { warmup: 0, runs: { exact: 1 } })];
}

/** Parses `argv` (without node and the script). Returns `undefined` for `--help`. */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  const common = parseCommonOptions(argv, { quick: quickWorkloads, full: fullWorkloads }, 'baseline');
  if (common === undefined) return undefined;
  const { extra, ...chosen } = common;
  return { ...chosen, baseline: extra };
}

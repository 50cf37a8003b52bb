/** Command-line options and what they choose: workloads (tenants × migrations per dialect) and run counts. */
import { parseCommonOptions } from '../upgrade/common-options.ts';
import type { RunCount } from '../upgrade/hyperfine.ts';
import type { Dialect } from '../upgrade/options.ts';

export type { Dialect };

/** How many tenants the fleet command migrates at once. */
export const FLEET_CONCURRENCY = 16;

/** One workload: `tenants` fresh tenants (SQLite files, or schemas of one PostgreSQL database) brought to head through `migrations` migrations. */
export interface WorkloadSpec {
  /** Stable id, used in file, database and target names, e.g. `sqlite-500`. */
  readonly id: string;
  readonly label: string;
  readonly dialect: Dialect;
  readonly tenants: number;
  readonly migrations: number;
  readonly runs: RunCount;
}

export interface BenchOptions {
  readonly quick: boolean;
  /** Keep the generated projects and tenants' folder (printed). */
  readonly keep: boolean;
  /** Rewrite docs/benchmarks/fleet.md. */
  readonly write: boolean;
  readonly workloads: readonly WorkloadSpec[];
  /** The built CLI to time (`…/packages/cli/bin/run.js`); default this checkout's. */
  readonly cli: string | undefined;
}

export const USAGE = `Usage: npx node tools/bench/fleet/run.ts [--quick] [--only sqlite|postgresql] [--no-write] [--write] [--keep] [--cli BIN]

  --quick     100 SQLite tenants and 50 PostgreSQL schemas, one timed pass (a smoke run); does not write the report
  --only D    measure one dialect only
  --no-write  print the report only, in full mode
  --write     also write docs/benchmarks/fleet.md in --quick mode
  --keep      keep the generated projects and tenants (their folder is printed)
  --cli BIN   time another build of the CLI (a checkout's packages/cli/bin/run.js) instead of this one's

Environment: CGMIGRATE_TEST_PG_URL names the PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres);
CGMIGRATE_ALEMBIC_PYTHON picks the Python that runs Alembic (default /usr/bin/python3).`;

const DIALECT_LABEL: Readonly<Record<Dialect, string>> = { sqlite: 'SQLite', postgresql: 'PostgreSQL' };

/** The migration count: each of 20 migrations creates one small table. */
const MIGRATIONS = 20;

function workload(dialect: Dialect, tenants: number, runs: RunCount): WorkloadSpec {
  const unit = dialect === 'sqlite' ? 'tenant files' : 'schemas';
  const label = `${DIALECT_LABEL[dialect]}, ${tenants.toLocaleString('en-US')} ${unit} × ${MIGRATIONS}`;
  return { id: `${dialect}-${tenants}`, label, dialect, tenants, migrations: MIGRATIONS, runs };
}

/**
 * The full run: the sizes, 500 SQLite files and 200 PostgreSQL schemas. A pass
 * of the SQLite workload takes 7–8 minutes, nearly all of it the loops of 500 Alembic
 * and 500 cgmigrate processes; its 5 tools run 5 passes, so that each runs first once
 * (half of a balanced cycle, which for an odd count is twice the tools). The PostgreSQL
 * workload's 3 tools take about a minute a pass and run a whole cycle, 6 passes.
 */
export function fullWorkloads(): WorkloadSpec[] {
  return [workload('sqlite', 500, { warmup: 0, runs: { exact: 5 } }), workload('postgresql', 200, { warmup: 0, runs: { exact: 6 } })];
}

/** A smoke run: fewer tenants, checked, then timed once. */
export function quickWorkloads(): WorkloadSpec[] {
  return [workload('sqlite', 100, { warmup: 0, runs: { exact: 1 } }), workload('postgresql', 50, { warmup: 0, runs: { exact: 1 } })];
}

/** Parses `argv` (without node and the script). Returns `undefined` for `--help`. */
export function parseOptions(argv: readonly string[]): BenchOptions | undefined {
  const common = parseCommonOptions(argv, { quick: quickWorkloads, full: fullWorkloads }, 'cli');
  if (common === undefined) return undefined;
  const { extra, ...chosen } = common;
  return { ...chosen, cli: extra };
}

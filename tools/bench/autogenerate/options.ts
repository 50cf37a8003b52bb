/** Command-line options and what they choose. */
import { parseArgs } from 'node:util';

import type { Dialect } from './workload.ts';

/** Where the database starts: empty (everything is new), or at head (nothing differs). */
export type Scenario = 'empty' | 'head';
export const SCENARIOS: readonly Scenario[] = ['empty', 'head'];

export interface BenchOptions {
  readonly quick: boolean;
  readonly keep: boolean;
  /** Write docs/benchmarks/autogenerate.md. */
  readonly write: boolean;
  readonly tables: number;
  readonly dialects: readonly Dialect[];
  readonly warmup: number;
  readonly runs: number;
}

export const USAGE = `Usage: npx node tools/bench/autogenerate/run.ts [--quick] [--keep] [--no-write] [--write] [--dialect sqlite|postgresql]

  --quick      3 runs per command (a smoke run, ~3 minutes); does not write docs/benchmarks/autogenerate.md
  --keep       keep the generated projects (their folder is printed) and PostgreSQL databases
  --no-write   print the table only, in full mode
  --write      also write docs/benchmarks/autogenerate.md in --quick mode
  --dialect    only this dialect (repeatable); default both
  --tables N   tables in the model (default 200)

Environment: CGMIGRATE_TEST_PG_URL names the PostgreSQL server (default postgresql://postgres@127.0.0.1:5432/postgres);
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
      dialect: { type: 'string', multiple: true },
      tables: { type: 'string', default: '200' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const dialects = (values.dialect ?? ['sqlite', 'postgresql']).map((dialect) => {
    if (dialect !== 'sqlite' && dialect !== 'postgresql') throw new Error(`--dialect must be sqlite or postgresql, not '${dialect}'`);
    return dialect;
  });
  const tables = Number(values.tables);
  if (!Number.isInteger(tables) || tables < 2) throw new Error(`--tables must be a whole number of at least 2, not '${values.tables}'`);
  return {
    quick: values.quick,
    keep: values.keep,
    write: values['no-write'] ? false : (values.write ?? !values.quick),
    tables,
    dialects,
    warmup: values.quick ? 1 : 2,
    runs: values.quick ? 3 : 10,
  };
}

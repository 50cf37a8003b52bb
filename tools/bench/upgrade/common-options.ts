/** The command-line flags the upgrade and fleet benches share, and what they choose. */
import { parseArgs } from 'node:util';
import type { Dialect } from './options.ts';

/** What the shared flags choose. */
export interface CommonOptions<W> {
  readonly quick: boolean;
  /** Keep the generated projects (their folder is printed). */
  readonly keep: boolean;
  /** Rewrite the bench's page under docs/benchmarks/. */
  readonly write: boolean;
  readonly workloads: readonly W[];
  /** The value of the bench's own string flag (`extra`), if given. */
  readonly extra: string | undefined;
}

/** A bench's workloads: those of a smoke run (`--quick`) and those of a full run. */
export interface WorkloadChoice<W> {
  readonly quick: () => W[];
  readonly full: () => W[];
}

/**
 * Parses `argv` (without node and the script): `--quick`, `--keep`, `--write`,
 * `--no-write`, `--only sqlite|postgresql`, `--help`, and the bench's own string flag
 * `--<extra>`. The report is written by default only by a full run of every dialect.
 * Returns `undefined` for `--help`.
 */
export function parseCommonOptions<W extends { readonly dialect: Dialect }>(
  argv: readonly string[],
  workloads: WorkloadChoice<W>,
  extra: string,
): CommonOptions<W> | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      write: { type: 'boolean' },
      'no-write': { type: 'boolean', default: false },
      only: { type: 'string' },
      [extra]: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const only = values.only;
  if (only !== undefined && only !== 'sqlite' && only !== 'postgresql') {
    throw new Error(`--only takes sqlite or postgresql, not '${only}'`);
  }
  const quick = values.quick;
  // A string when given (its type is 'string' above); its computed key widens the type.
  const extraValue = values[extra];
  return {
    quick,
    keep: values.keep,
    write: values['no-write'] ? false : (values.write ?? (!quick && only === undefined)),
    workloads: (quick ? workloads.quick() : workloads.full()).filter((w) => only === undefined || w.dialect === only),
    extra: typeof extraValue === 'string' ? extraValue : undefined,
  };
}

/** What the bench needs from each tool it measures. */
import type { RevisionGraph } from '../graph.ts';
import type { WorkloadPaths } from '../workload.ts';

/** One command hyperfine times, with what it must print for its figure to count. */
export interface MeasuredCommand {
  /** Label in the table, e.g. `cgmigrate current`. */
  readonly name: string;
  readonly argv: readonly [string, ...string[]];
  /** What a correct run prints, in words, and the test of its standard output. */
  readonly expects: { readonly what: string; test(stdout: string): boolean };
}

/** A tool's part in a workload. */
export interface ToolRunner {
  readonly name: string;
  /** Brings the tool's database to head with the tool's own command; returns the wall time in ms (not part of the table). */
  setup?(paths: WorkloadPaths): number;
  /**
   * The commands to time. All run from the cgmigrate project's folder, as a user's CI
   * runs `cgmigrate`; every other tool is given absolute paths.
   */
  commands(paths: WorkloadPaths, graph: RevisionGraph): readonly MeasuredCommand[];
}

/** Lines of output, without empty ones. */
export function lines(stdout: string): readonly string[] {
  return stdout.split('\n').filter((line) => line.trim().length > 0);
}

/** One line naming `head` as the head, as Alembic prints it (a merge revision adds "(mergepoint)"). */
export function singleHead(head: string): MeasuredCommand['expects'] {
  return {
    what: `one line "${head} (head)"`,
    test: (stdout) => {
      const out = lines(stdout);
      return out.length === 1 && (out[0] ?? '').startsWith(`${head} (head)`);
    },
  };
}

/** A history of every revision, newest (`head`) first. */
export function fullHistory(graph: RevisionGraph): MeasuredCommand['expects'] {
  return {
    what: `${graph.revisions.length} lines, ${graph.head} first`,
    test: (stdout) => {
      const out = lines(stdout);
      return out.length === graph.revisions.length && (out[0] ?? '').includes(graph.head);
    },
  };
}

/** Any successful run. */
export const ANY_OUTPUT: MeasuredCommand['expects'] = { what: 'anything', test: () => true };

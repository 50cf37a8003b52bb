/** What the fleet bench needs from each way of bringing a fleet of tenants to head. */
import type { RevisionGraph } from '../../revision-graph/graph.ts';
import type { Dialect } from '../options.ts';
import type { Tenants } from '../tenants.ts';

/** A tool's part in the bench. */
export interface FleetTool {
  /** Short name, used in folder and database names and by the targets: `fleet`, `alembic-loop`, … */
  readonly name: string;
  /** Label in the tables. */
  readonly label: string;
  readonly dialects: readonly Dialect[];
  /** One process for the whole fleet (its peak RSS is the fleet's), or one per tenant. */
  readonly shape: 'one process' | 'process per tenant';
  /**
   * Writes the tool's project for `graph` in `dir`, against `tenants`, and returns the
   * shell command, run from `dir`, that brings every tenant to head and exits 0 only then.
   */
  write(dir: string, graph: RevisionGraph, tenants: Tenants): string;
  /** Why the tool cannot run in this checkout, if it cannot (it is then left out of the run and its targets are not measured). */
  unavailable?(): string | undefined;
}

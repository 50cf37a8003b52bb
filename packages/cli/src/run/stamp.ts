import { stamp, stampSql, type FleetReport, type MigrateResult } from '@cloudguard/migrate-core';
import { formatNothingToDo } from '../render/migrate.js';
import { printScript, refuseRangeOnline, type ScriptResult } from '../render/offline.js';
import type { CommandContext } from './command-context.js';
import { isFleetRun, refuseWithFleet, type FleetFlags } from './fleet-flags.js';

/** Flags of `cgmigrate stamp` besides the common ones. */
export interface StampFlags extends FleetFlags {
  readonly purge?: boolean | undefined;
  readonly sql?: boolean | undefined;
}

/**
 * The body of `cgmigrate stamp REVISIONS...`, shared by its oclif class and the fast entry.
 *
 * @param revisions the arguments, none of them a flag (the oclif class checks with
 *   `revisionArgs`; the fast entry takes no unknown flag).
 */
export async function runStamp(ctx: CommandContext, revisions: readonly string[], flags: StampFlags): Promise<MigrateResult | ScriptResult | FleetReport> {
  const purge = flags.purge === true;
  if (isFleetRun(flags)) {
    refuseWithFleet('--sql', flags.sql === true);
    for (const revision of revisions) refuseRangeOnline(revision);
    return (await import('./fleet.js')).runFleetCli(ctx, { command: 'stamp', revisions, purge }, flags);
  }
  if (flags.sql) {
    const script = await stampSql(await ctx.environment(), { revisions, purge });
    return printScript(script, ctx);
  }
  for (const revision of revisions) refuseRangeOnline(revision);
  const result = await ctx.supervise(async (signal) => stamp(await ctx.environment(), { revisions, purge, signal }));
  if (result.steps.length === 0) ctx.note(formatNothingToDo(result));
  return result;
}

import { downgrade, downgradeSql, type DowngradeResult, type FleetReport } from '@cloudguard/migrate-core';
import { formatNothingToDo } from '../render/migrate.js';
import { printScript, refuseRangeOnline, type ScriptResult } from '../render/offline.js';
import type { CommandContext } from './command-context.js';
import { isFleetRun, refuseWithFleet, type FleetFlags } from './fleet-flags.js';

/** Flags of `cgmigrate downgrade` besides the common ones. */
export interface DowngradeFlags extends FleetFlags {
  readonly sql?: boolean | undefined;
}

/** The body of `cgmigrate downgrade TARGET`, shared by its oclif class and the fast entry. */
export async function runDowngrade(ctx: CommandContext, target: string, flags: DowngradeFlags): Promise<DowngradeResult | ScriptResult | FleetReport> {
  if (isFleetRun(flags)) {
    refuseWithFleet('--sql', flags.sql === true);
    refuseRangeOnline(target);
    return (await import('./fleet.js')).runFleetCli(ctx, { command: 'downgrade', target }, flags);
  }
  if (flags.sql) {
    const script = await downgradeSql(await ctx.environment(), { range: target });
    return printScript(script, ctx);
  }
  refuseRangeOnline(target);
  const result = await ctx.supervise(async (signal) => downgrade(await ctx.environment(), { target, signal }));
  if (result.steps.length === 0) ctx.note(formatNothingToDo(result));
  return result;
}

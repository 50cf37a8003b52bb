import { current, type CurrentResult, type FleetReport } from '@cloudguard/migrate-core';
import { formatCurrentLine, formatRevisionEntry } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';
import { isFleetRun, type FleetFlags } from './fleet-flags.js';
import { runFleetCli } from './fleet.js';

/** The body of `cgmigrate current`, shared by its oclif class and the fast entry. */
export async function runCurrent(ctx: CommandContext, flags: FleetFlags = {}): Promise<CurrentResult | FleetReport> {
  if (isFleetRun(flags)) return runFleetCli(ctx, { command: 'current' }, flags);
  const result = await current(await ctx.environment());
  if (ctx.json || result.revisions.length === 0) return result;
  ctx.out(result.revisions.map(ctx.verbose ? formatRevisionEntry : formatCurrentLine).join('\n'));
  return result;
}

import { upgrade, upgradeSql, type FleetReport, type UpgradeResult } from '@cloudguard/migrate-core';
import { formatNothingToDo } from '../render/migrate.js';
import { printScript, refuseRangeOnline, type ScriptResult } from '../render/offline.js';
import type { CommandContext } from './command-context.js';
import { isFleetRun, refuseWithFleet, type FleetFlags } from './fleet-flags.js';

/** Flags of `cgmigrate upgrade` besides the common ones. */
export interface UpgradeFlags extends FleetFlags {
  readonly sql?: boolean | undefined;
  /** Lint the migrations to run: `error` lints first and refuses on a lint error, `warn` (default) prints findings before the commit (see core's `UpgradeOptions.lint`), `off` skips. */
  readonly lint?: 'error' | 'warn' | 'off' | undefined;
}

/**
 * The body of `cgmigrate upgrade [TARGET]`, shared by its oclif class and the fast entry.
 *
 * @param target `head` when the command line names none.
 */
export async function runUpgrade(ctx: CommandContext, target: string, flags: UpgradeFlags): Promise<UpgradeResult | ScriptResult | FleetReport> {
  if (isFleetRun(flags)) {
    refuseWithFleet('--sql', flags.sql === true);
    refuseRangeOnline(target);
    return (await import('./fleet.js')).runFleetCli(ctx, { command: 'upgrade', target, lint: flags.lint ?? 'warn' }, flags);
  }
  if (flags.sql) {
    const script = await upgradeSql(await ctx.environment(), { range: target });
    return printScript(script, ctx);
  }
  refuseRangeOnline(target);
  const result = await ctx.supervise(async (signal) => upgrade(await ctx.environment(), { target, signal, lint: flags.lint ?? 'warn' }));
  if (result.steps.length === 0) ctx.note(formatNothingToDo(result));
  return result;
}

import { downgrade, downgradeSql, type DowngradeResult } from '@cloudguard/migrate-core';
import { formatNothingToDo } from '../render/migrate.js';
import { printScript, refuseRangeOnline, type ScriptResult } from '../render/offline.js';
import type { CommandContext } from './command-context.js';

/** Flags of `cgmigrate downgrade` besides the common ones. */
export interface DowngradeFlags {
  readonly sql?: boolean | undefined;
}

/** The body of `cgmigrate downgrade TARGET`, shared by its oclif class and the fast entry. */
export async function runDowngrade(ctx: CommandContext, target: string, flags: DowngradeFlags): Promise<DowngradeResult | ScriptResult> {
  if (flags.sql) {
    const script = await downgradeSql(await ctx.environment(), { range: target });
    return printScript(script, ctx);
  }
  refuseRangeOnline(target);
  const result = await ctx.supervise(async (signal) => downgrade(await ctx.environment(), { target, signal }));
  if (result.steps.length === 0) ctx.note(formatNothingToDo(result));
  return result;
}

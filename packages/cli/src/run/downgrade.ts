import { downgrade, downgradeSql, InvalidTargetError, type DowngradeResult } from '@cloudguard/migrate-core';
import { formatNothingToDo } from '../render/migrate.js';
import { printScript, type ScriptResult } from '../render/offline.js';
import type { CommandContext } from './command-context.js';

/** Flags of `cgmigrate downgrade` besides the common ones. */
export interface DowngradeFlags {
  readonly sql?: boolean | undefined;
}

/** The body of `cgmigrate downgrade TARGET`, shared by its oclif class and the fast entry. */
export async function runDowngrade(ctx: CommandContext, target: string, flags: DowngradeFlags): Promise<DowngradeResult | ScriptResult> {
  if (flags.sql) {
    const script = await downgradeSql(await ctx.environment(), { range: target });
    return printScript(script, { out: (text) => ctx.out(text), note: (text) => ctx.note(text), json: ctx.json });
  }
  if (target.includes(':')) throw new InvalidTargetError(target, 'a range <from>:<to> is only for offline mode; add --sql');
  const result = await downgrade(await ctx.environment(), { target });
  if (result.steps.length === 0) ctx.note(formatNothingToDo(result));
  return result;
}

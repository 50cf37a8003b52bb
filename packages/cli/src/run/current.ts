import { current, type CurrentResult } from '@cloudguard/migrate-core';
import { formatCurrentLine, formatRevisionEntry } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';

/** The body of `cgmigrate current`, shared by its oclif class and the fast entry. */
export async function runCurrent(ctx: CommandContext): Promise<CurrentResult> {
  const result = await current(await ctx.environment());
  if (ctx.json || result.revisions.length === 0) return result;
  ctx.out(result.revisions.map(ctx.verbose ? formatRevisionEntry : formatCurrentLine).join('\n'));
  return result;
}

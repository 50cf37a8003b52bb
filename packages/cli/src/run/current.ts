import { current, type CurrentResult } from '@cloudguard/migrate-core';
import { formatCurrentLine, formatRevisionEntry } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';

/** The body of `cgmigrate current`, shared by its oclif class and the fast entry. */
export async function runCurrent(ctx: CommandContext): Promise<CurrentResult> {
  const result = await current(await ctx.environment());
  if (ctx.json || result.revisions.length === 0) return result;
  const effective = new Set(result.effectiveHeads);
  const format = (rev: CurrentResult['revisions'][number]) =>
    ctx.verbose ? formatRevisionEntry(rev) : formatCurrentLine(rev, { effectiveHead: effective.has(rev.id) });
  ctx.out(result.revisions.map(format).join('\n'));
  return result;
}

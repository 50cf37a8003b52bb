import { heads, type HeadsResult } from '@cloudguard/migrate-core';
import { formatHeadLine, formatRevisionEntries } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';

/** Flags of `cgmigrate heads` besides the common ones. */
export interface HeadsFlags {
  readonly 'resolve-dependencies'?: boolean | undefined;
  readonly check?: boolean | undefined;
}

/** The body of `cgmigrate heads`, shared by its oclif class and the fast entry. */
export async function runHeads(ctx: CommandContext, flags: HeadsFlags): Promise<HeadsResult> {
  const result = await heads(await ctx.environment(), { resolveDependencies: flags['resolve-dependencies'], check: flags.check });
  if (ctx.json || result.revisions.length === 0) return result;
  if (ctx.verbose) {
    ctx.out(formatRevisionEntries(result.revisions));
    return result;
  }
  ctx.out(result.revisions.map(formatHeadLine).join('\n'));
  return result;
}

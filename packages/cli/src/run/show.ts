import { current, show, type RevisionsResult } from '@cloudguard/migrate-core';
import { formatRevisionEntries } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';

/** The body of `cgmigrate show REVISION`, shared by its oclif class and the fast entry. */
export async function runShow(ctx: CommandContext, revision: string): Promise<RevisionsResult> {
  const env = await ctx.environment();
  // `show current` prints the revisions `current` lists, in show's shape.
  const result: RevisionsResult = revision === 'current' ? { revisions: (await current(env)).revisions } : await show(env, revision);
  if (!ctx.json && result.revisions.length > 0) ctx.out(formatRevisionEntries(result.revisions));
  return result;
}

import { branches, history, type RevisionsResult } from '@cloudguard/migrate-core';
import { formatBranchPoint } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';

/** The body of `cgmigrate branches`, shared by its oclif class and the fast entry. */
export async function runBranches(ctx: CommandContext): Promise<RevisionsResult> {
  const env = await ctx.environment();
  const result = await branches(env);
  if (result.revisions.length === 0 || ctx.json) return result;
  // The children are printed with their marks and messages: one more read of the scripts, no database.
  const all = new Map((await history(env)).revisions.map((rev) => [rev.id, rev]));
  for (const point of result.revisions) {
    const next = point.nextRevisions.flatMap((id) => all.get(id) ?? []);
    ctx.out(formatBranchPoint(point, next, { verbose: ctx.verbose }));
  }
  return result;
}

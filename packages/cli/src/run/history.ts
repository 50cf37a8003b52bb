import { history, isMigrateError, type HistoryResult, type MigrationEnvironment } from '@cloudguard/migrate-core';
import { formatDot, formatMermaid, type DiagramFormat } from '../render/graph/diagram.js';
import { formatTerminalGraph } from '../render/graph/terminal-graph.js';
import { formatHistoryLine, formatRevisionEntries } from '../render/revisions.js';
import type { CommandContext } from './command-context.js';

/** Flags of `cgmigrate history` besides the common ones. */
export interface HistoryFlags {
  readonly 'rev-range'?: string | undefined;
  readonly 'indicate-current'?: boolean | undefined;
  readonly graph?: boolean | undefined;
  readonly format?: DiagramFormat | undefined;
}

/** The body of `cgmigrate history`, shared by its oclif class and the fast entry. */
export async function runHistory(ctx: CommandContext, flags: HistoryFlags): Promise<HistoryResult> {
  const env = await ctx.environment();
  const picture = !ctx.json && (flags.graph === true || flags.format !== undefined);
  const result = picture
    ? await historyForPicture(ctx, env, flags)
    : await history(env, {
        range: flags['rev-range'],
        indicateCurrent: flags['indicate-current'],
        withAudit: ctx.verbose,
      });
  if (ctx.json || result.revisions.length === 0) return result;
  if (flags.format === 'mermaid') ctx.out(formatMermaid(result.revisions));
  else if (flags.format === 'dot') ctx.out(formatDot(result.revisions));
  else if (flags.graph) ctx.out(formatTerminalGraph(result.revisions));
  else if (ctx.verbose) ctx.out(formatRevisionEntries(result.revisions));
  // One write for the whole list: 10,000 revisions are one string, not 10,000 writes.
  else ctx.out(result.revisions.map(formatHistoryLine).join('\n'));
  return result;
}

/**
 * A picture marks the revisions the database is at when it can be read; when it
 * cannot (no server, wrong URL), the picture is still drawn, with a note saying why
 * nothing is marked.
 */
async function historyForPicture(ctx: CommandContext, env: MigrationEnvironment, flags: HistoryFlags): Promise<HistoryResult> {
  const range = flags['rev-range'];
  if (range?.includes('current')) return history(env, { range, indicateCurrent: true });
  try {
    return await history(env, { range, indicateCurrent: true });
  } catch (error) {
    if (!isMigrateError(error) || (error.code !== 'DATABASE_ERROR' && error.code !== 'ADAPTER_NOT_FOUND')) throw error;
    ctx.note(`Not marking the current revisions: ${error.message}`);
    return history(env, { range });
  }
}

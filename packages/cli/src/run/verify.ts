import { verify, type FleetReport, type VerifyResult } from '@cloudguard/migrate-core';
import { ExitStatus } from '../exit-codes.js';
import { formatFinding, formatVerified, formatVerifyProgress } from '../render/verify.js';
import type { CommandContext } from './command-context.js';
import { isFleetRun, refuseWithFleet, type FleetFlags } from './fleet-flags.js';

/** Flags of `cgmigrate verify` besides the common ones. */
export interface VerifyFlags extends FleetFlags {
  readonly from?: string | undefined;
  readonly 'shadow-url'?: string | undefined;
}

/**
 * The body of `cgmigrate verify`, shared by its oclif class and the fast entry: progress
 * on stderr (a line per check and per revision, unless `--quiet` or `--json`), each
 * finding on stdout, exit status 1 when one was found.
 */
export async function runVerify(ctx: CommandContext, flags: VerifyFlags): Promise<VerifyResult | FleetReport> {
  if (isFleetRun(flags)) {
    // Each target is verified from the revisions it is at: --from is each target's own.
    refuseWithFleet('--from', flags.from !== undefined);
    return (await import('./fleet.js')).runFleetCli(ctx, { command: 'verify', shadowUrl: flags['shadow-url'] }, flags);
  }
  const cwd = process.cwd();
  const result = await ctx.supervise(async (signal) =>
    verify(await ctx.environment(), {
      from: flags.from,
      shadowUrl: flags['shadow-url'],
      signal,
      onProgress: ctx.json
        ? undefined
        : (progress) => {
            const line = formatVerifyProgress(progress, cwd);
            if (line !== undefined) ctx.note(line);
          },
    }),
  );
  for (const finding of result.findings) ctx.out(formatFinding(finding, cwd));
  if (result.ok) ctx.note(formatVerified(result));
  // A finding, not an error: the result is the output (also with --json), and the status says it failed.
  else process.exitCode = ExitStatus.check;
  return result;
}

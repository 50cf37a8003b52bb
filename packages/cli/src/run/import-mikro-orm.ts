import { loadMikroOrmAdoption, type MikroOrmAdoptionResult } from '../mikro-orm-adoption.js';
import { formatAdoptedRevision, formatAdoptionSummary, formatAssumption } from '../render/mikro-orm-adoption.js';
import type { CommandContext } from './command-context.js';

/** Flags of `cgmigrate import mikro-orm` besides the common ones. */
export interface ImportMikroOrmFlags {
  readonly 'mikro-orm-config'?: string | undefined;
  readonly 'mikro-orm-context'?: string | undefined;
  readonly force?: boolean | undefined;
}

/**
 * The body of `cgmigrate import mikro-orm`: adopts the MikroORM project in the working
 * directory into the cgmigrate project of the config, then prints one line per revision
 * on stdout, what `--force` assumed as warnings, and what happened (and what may now go)
 * on stderr.
 */
export async function runImportMikroOrm(ctx: CommandContext, flags: ImportMikroOrmFlags): Promise<MikroOrmAdoptionResult> {
  const { adoptMikroOrmProject } = await loadMikroOrmAdoption();
  const env = await ctx.environment();
  const result = await ctx.supervise((signal) =>
    adoptMikroOrmProject(env, {
      cwd: process.cwd(),
      mikroOrmConfig: flags['mikro-orm-config'],
      contextName: flags['mikro-orm-context'],
      force: flags.force === true,
      signal,
    }),
  );
  const cwd = process.cwd();
  for (const problem of result.assumptions) ctx.warn(formatAssumption(problem));
  if (result.revisions.length > 0) ctx.out(result.revisions.map((revision) => formatAdoptedRevision(revision, cwd)).join('\n'));
  ctx.note(formatAdoptionSummary(result, cwd));
  return result;
}

import path from 'node:path';
import { InvalidTargetError, lint, type FleetReport, type LintFinding, type LintResult } from '@cloudguard/migrate-core';
import { ExitStatus } from '../exit-codes.js';
import { formatLintGithub, formatLintText } from '../render/lint.js';
import { lintDocsLocation, lintSarifLog, type PackageLinks } from '../render/lint-sarif.js';
import { packageManifest } from './bundled-packages.js';
import { painterFor } from '../render/style.js';
import { displayPath } from '../render/verify.js';
import type { CommandContext } from './command-context.js';
import { isFleetRun, refuseWithFleet, type FleetFlags } from './fleet-flags.js';

/** The output formats of `cgmigrate lint`. */
export const LINT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;

/** Flags of `cgmigrate lint` besides the common ones. */
export interface LintFlags extends FleetFlags {
  readonly all?: boolean | undefined;
  readonly 'server-version'?: string | undefined;
  readonly format?: (typeof LINT_FORMATS)[number] | undefined;
}

/**
 * The body of `cgmigrate lint`: the findings on stdout in the chosen format, a note on
 * stderr saying which revisions were linted and why (unless `--quiet`), and exit status 1
 * when a finding is an error.
 */
export async function runLint(ctx: CommandContext, range: string | undefined, flags: LintFlags): Promise<LintResult | FleetReport> {
  if (isFleetRun(flags)) {
    // Each target is linted for what it would run next: a range or --all is the same for every target, so lint once without --targets.
    refuseWithFleet(range === undefined ? '--all' : 'RANGE', range !== undefined || flags.all === true);
    refuseWithFleet('--format', flags.format !== undefined && flags.format !== 'text');
    return (await import('./fleet.js')).runFleetCli(ctx, { command: 'lint', serverVersion: flags['server-version'] }, flags);
  }
  if (flags.all === true && range !== undefined) {
    throw new InvalidTargetError(range, '--all lints every revision; give either a range or --all');
  }
  const env = await ctx.environment();
  const result = await lint(env, { range, all: flags.all, serverVersion: flags['server-version'] });
  const format = ctx.json ? 'json' : (flags.format ?? 'text');
  if (result.unavailable !== undefined) ctx.warn(`Nothing was linted: ${result.unavailable}.`);
  else if (format !== 'json') ctx.note(scopeNote(result));
  switch (format) {
    case 'json':
      // --json prints the returned result; --format json alone prints it here.
      if (!ctx.json) ctx.out(JSON.stringify(result, null, 2));
      break;
    case 'sarif': {
      // The CLI's own package.json, found from this module in the sources, the build and the bundle alike.
      const manifest = packageManifest('@cloudguard/migrate-cli', import.meta.url) ?? {};
      const toolVersion = typeof manifest['version'] === 'string' ? manifest['version'] : '0.0.0';
      ctx.out(JSON.stringify(lintSarifLog(result.findings, { toolVersion, docs: lintDocsLocation(manifest as PackageLinks) }), null, 2));
      break;
    }
    case 'github':
      for (const finding of result.findings) ctx.out(formatLintGithub(finding));
      break;
    case 'text': {
      const findings = result.findings.map((finding) => shownFrom(finding, env.config.cwd));
      ctx.out(formatLintText(findings, result.revisions.length, painterFor(process.stdout)));
      break;
    }
  }
  if (result.errors > 0) process.exitCode = ExitStatus.check;
  return result;
}

/** A finding with its file relative to the working directory, as people type it. */
function shownFrom(finding: LintFinding, projectDir: string): LintFinding {
  return { ...finding, file: displayPath(path.resolve(projectDir, finding.file), process.cwd()) };
}

/** Which revisions were linted, and against what. */
function scopeNote(result: LintResult): string {
  const count = `${result.revisions.length} revision${result.revisions.length === 1 ? '' : 's'}`;
  const server = result.serverVersion === undefined ? '' : ` for server ${result.serverVersion}`;
  switch (result.scope) {
    case 'unapplied':
      return `Linted ${count} not yet applied to the database${server}.`;
    case 'unmerged': {
      const why = result.database.reached === false ? `the database could not be reached (${result.database.reason}), so ` : '';
      return `Linted ${count}${server}: ${why}the heads and their unmerged branches. Give a range or --all for others.`;
    }
    case 'all':
      return `Linted all ${count}${server}.`;
    case 'range':
    case 'given':
      return `Linted ${count}${server}.`;
  }
}

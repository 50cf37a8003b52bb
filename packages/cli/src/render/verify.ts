import path from 'node:path';
import type { VerifyFinding, VerifyProgress, VerifyResult } from '@cloudguard/migrate-core';

/** A file as people read it in a project: relative to the working directory when it is inside it. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

/**
 * One finding as printed on stdout: its code and message (files relative to `cwd`), then
 * the failing statement on its own line when there is one. The revision and its file are
 * always in the message.
 *
 * ### Examples
 * ```ts
 * formatFinding({ code: 'VERIFY_DOWN_LEFT_TRACE', check: 'stairway', revision: '1a2b', path: '/app/migrations/versions/1a2b_add_email.ts',
 *   message: 'The down of 1a2b (/app/migrations/versions/1a2b_add_email.ts) left column users.email' }, '/app')
 * // 'VERIFY_DOWN_LEFT_TRACE: The down of 1a2b (migrations/versions/1a2b_add_email.ts) left column users.email'
 * ```
 */
export function formatFinding(finding: VerifyFinding, cwd: string): string {
  const files = [finding.path, ...(finding.paths ?? [])].filter((file): file is string => file !== undefined);
  let message = finding.message;
  for (const file of new Set(files)) message = message.split(file).join(displayPath(file, cwd));
  const lines = [`${finding.code}: ${message}`];
  if (finding.statement !== undefined && !message.includes(finding.statement)) lines.push(`  statement: ${finding.statement}`);
  return lines.join('\n');
}

/** The progress line of one revision of the stairway, or of a check that ended; `undefined` for what prints nothing. */
export function formatVerifyProgress(progress: VerifyProgress, cwd: string): string | undefined {
  switch (progress.type) {
    case 'database':
      return `Verifying on ${progress.description}.`;
    case 'check':
      if (progress.status === 'failed') return undefined;
      return `${CHECK_NAMES[progress.check]}: ${progress.status}${progress.note === undefined ? '' : ` (${progress.note})`}`;
    case 'revision': {
      const width = String(progress.total).length;
      const file = progress.path === undefined ? '' : ` ${displayPath(progress.path, cwd)}`;
      const steps = progress.schemaCompared ? 'up, down (no trace), up' : 'up, down, up';
      return `  [${String(progress.index).padStart(width)}/${progress.total}] ${progress.revision}${file}: ${steps}`;
    }
  }
}

const CHECK_NAMES = {
  graph: 'Revision graph',
  upgrade: 'Upgrade from base',
  stairway: 'Stairway (each revision up, down, up)',
  entities: 'Schema against the entities',
  downgrade: 'Downgrade to base',
} as const;

/** The closing note of a run that found nothing. */
export function formatVerified(result: VerifyResult): string {
  const revisions = result.stairway.length;
  const from = result.from === undefined ? '' : ` after ${result.from}`;
  return `Verified: ${revisions} revision${revisions === 1 ? '' : 's'}${from} went up, down and up again, and every check passed.`;
}

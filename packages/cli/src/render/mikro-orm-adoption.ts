import type { MikroOrmImportProblem } from '@cloudguard/migrate-core';
import type { AdoptedRevision, MikroOrmAdoptionResult } from '../mikro-orm-adoption.js';
import { displayPath } from './verify.js';

/**
 * One adopted migration, as `history` writes a revision (parent, id, message), then its
 * MikroORM state and what became of its file.
 *
 * ### Examples
 * ```ts
 * formatAdoptedRevision({ migration: 'Migration20241116000002', revision: '9a8b7c6d5e4f', downRevision: '1f0c3a9b2d4e',
 *   applied: true, action: 'written', path: '/app/migrations/versions/Migration20241116000002.ts', … }, '/app')
 * // '1f0c3a9b2d4e -> 9a8b7c6d5e4f, Migration20241116000002 (applied): written migrations/versions/Migration20241116000002.ts'
 * ```
 */
export function formatAdoptedRevision(revision: AdoptedRevision, cwd: string): string {
  const parent = revision.downRevision ?? '<base>';
  return `${parent} -> ${revision.revision}, ${revision.migration} (${revision.applied ? 'applied' : 'not applied'}): ${revision.action} ${displayPath(revision.path, cwd)}`;
}

/** A problem `--force` adopted anyway: what it is, and what was assumed. */
export function formatAssumption(problem: MikroOrmImportProblem): string {
  return `--force: ${problem.message}; assumed: ${problem.assumption ?? 'nothing'}`;
}

/**
 * What the adoption did, for stderr: the files and the stamp, or that nothing was left to
 * do; then, after a change, what may go once the result is reviewed.
 */
export function formatAdoptionSummary(result: MikroOrmAdoptionResult, cwd: string): string {
  const versions = `${displayPath(result.versionsDirectory, cwd)}/`;
  const count = plural(result.revisions.length, 'MikroORM migration');
  const stampLine = describeStamp(result);
  if (!result.changed) {
    if (result.revisions.length === 0) return `Nothing to do: no MikroORM migration in ${displayPath(result.migrationsDirectory, cwd)}.`;
    return `Nothing to do: the ${count} ${result.revisions.length === 1 ? 'is' : 'are'} adopted in ${versions} already, and ${stampLine}.`;
  }
  const written = result.revisions.filter((revision) => revision.action !== 'unchanged').length;
  const verb = result.inPlace ? 'annotated in place' : `written into ${versions}`;
  const adopted = `Adopted ${count} (${written} ${verb}${written < result.revisions.length ? `, ${result.revisions.length - written} adopted before` : ''}); ${stampLine}.`;
  const config = displayPath(result.mikroOrmConfig, cwd);
  const leftover = result.inPlace
    ? `Once you have reviewed them, the \`migrations\` settings and the Migrator extension of ${config} can go: cgmigrate runs these files now.`
    : `Once you have reviewed them, ${displayPath(result.migrationsDirectory, cwd)} (MikroORM's copies, left as they were) and the \`migrations\` settings and the Migrator extension of ${config} can go: cgmigrate runs the files in ${versions} now.`;
  return `${adopted}\n${leftover} MikroORM's table ${result.historyTable} is left as it was.`;
}

function describeStamp(result: MikroOrmAdoptionResult): string {
  const { stamp } = result;
  switch (stamp.status) {
    case 'stamped':
      return `the database is stamped at ${stamp.revision} (${stamp.migration}, the last applied)`;
    case 'already-stamped':
      return `the database is at ${stamp.revision} (${stamp.migration}) or past it`;
    case 'nothing-applied':
      return 'MikroORM applied none of them, so the database is not stamped (`upgrade` runs them)';
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

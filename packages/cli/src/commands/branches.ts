import { branches, history, type RevisionsResult } from '@cloudguard/migrate-core';
import { BaseCommand } from '../base-command.js';
import { formatBranchPoint } from '../render/revisions.js';

/** `cgmigrate branches`: Alembic's `branches`. */
export default class Branches extends BaseCommand<RevisionsResult> {
  static override summary = 'Show the branch points of the migration scripts.';
  static override description =
    'Prints each revision that several revisions follow, "<revision> (branchpoint)", then one ' +
    '"-> <revision> (head)" line per branch, newest branch point first, as Alembic does. --verbose prints each ' +
    'branch point in full and the message of each branch. In --json, each revision lists its branches in ' +
    '`nextRevisions`. Reads the migration files only, never the database.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'With messages.', command: '<%= config.bin %> <%= command.id %> --verbose' },
  ];

  async run(): Promise<RevisionsResult> {
    await this.parse(Branches);
    const env = await this.environment();
    const result = await branches(env);
    if (result.revisions.length === 0 || this.jsonEnabled()) return result;
    // The children are printed with their marks and messages: one more read of the scripts, no database.
    const all = new Map((await history(env)).revisions.map((rev) => [rev.id, rev]));
    for (const point of result.revisions) {
      const next = point.nextRevisions.flatMap((id) => all.get(id) ?? []);
      this.out(formatBranchPoint(point, next, { verbose: this.baseFlags.verbose }));
    }
    return result;
  }
}

import type { RevisionsResult } from '@cloudguard/migrate-core';
import { BaseCommand } from '../base-command.js';
import { runBranches } from '../run/branches.js';

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
    { description: 'As JSON: each branch point with its nextRevisions.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  run(): Promise<RevisionsResult> {
    return runBranches(this.context);
  }
}

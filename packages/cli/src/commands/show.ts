import type { RevisionsResult } from '@cloudguard/migrate-core';
import { Args } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { runShow } from '../run/show.js';

/** `cgmigrate show REVISION`: Alembic's `show`. */
export default class Show extends BaseCommand<RevisionsResult> {
  static override summary = 'Show the revisions a name stands for, in full.';
  static override description =
    'Prints Alembic\'s full entry for each revision REVISION names: "Rev: <revision> (head)", "Parent:" (or ' +
    '"Merges:"), "Also depends on:", "Branches into:", "Branch names:", "Path:" and the message, indented. ' +
    'REVISION is an id or unique prefix, a branch label, `head`, `heads`, `<label>@head`, or `current` (which ' +
    'reads the database; every other name reads the migration files only).';

  static override examples = [
    { description: 'A revision by id prefix.', command: '<%= config.bin %> <%= command.id %> ae10' },
    { description: 'Every head.', command: '<%= config.bin %> <%= command.id %> heads' },
    { description: 'Where the database is.', command: '<%= config.bin %> <%= command.id %> current' },
    { description: 'The head of one branch.', command: '<%= config.bin %> <%= command.id %> cart@head' },
    { description: 'As JSON.', command: '<%= config.bin %> <%= command.id %> ae10 --json' },
  ];

  static override args = {
    revision: Args.string({ description: 'The revision to show: an id, prefix, label, head, heads, <label>@head or current.', required: true }),
  };

  run(): Promise<RevisionsResult> {
    return runShow(this.context, this.parsedInput.args['revision'] as string);
  }
}

import { history, type HistoryResult } from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { formatHistoryLine, formatRevisionEntries } from '../render/revisions.js';

/** `cgmigrate history [-r RANGE] [--indicate-current]`: Alembic's `history`. */
export default class History extends BaseCommand<HistoryResult> {
  static override summary = 'List revisions, newest first.';
  static override description =
    'Prints "<down> -> <revision> (head), <message>" per revision, newest first, in Alembic\'s format: <base> ' +
    'marks a first revision, and (head), (branchpoint), (mergepoint) and, with --indicate-current, (current) ' +
    'mark revisions. With --verbose, each revision is shown in full with when and by whom it was applied. Reads ' +
    'the database only for --indicate-current, --verbose or a range that mentions `current`.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'The last three revisions.', command: '<%= config.bin %> <%= command.id %> -r -3:' },
    { description: 'What is not applied yet.', command: '<%= config.bin %> <%= command.id %> -r current:head' },
    { description: 'Mark where the database is.', command: '<%= config.bin %> <%= command.id %> --indicate-current' },
  ];

  static override flags = {
    'rev-range': Flags.string({
      char: 'r',
      summary: 'Only revisions in lower:upper, e.g. base:head, -3:, current:, ae10:.',
      helpValue: '<range>',
    }),
    'indicate-current': Flags.boolean({ char: 'i', summary: 'Mark the revisions the database is at with (current).' }),
  };

  async run(): Promise<HistoryResult> {
    const { flags } = await this.parse(History);
    const result = await history(await this.environment(), {
      range: flags['rev-range'],
      indicateCurrent: flags['indicate-current'],
      withAudit: this.baseFlags.verbose,
    });
    if (this.baseFlags.verbose) {
      if (result.revisions.length > 0) this.out(formatRevisionEntries(result.revisions));
    } else {
      for (const rev of result.revisions) this.out(formatHistoryLine(rev));
    }
    return result;
  }
}

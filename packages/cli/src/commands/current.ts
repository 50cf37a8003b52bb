import { current, type CurrentResult } from '@cloudguard/migrate-core';
import { BaseCommand } from '../base-command.js';
import { formatCurrentLine, formatRevisionEntry } from '../render/revisions.js';

/** `cgmigrate current`: Alembic's `current`. */
export default class Current extends BaseCommand<CurrentResult> {
  static override summary = 'Show the revision the database is at.';
  static override description =
    'Prints one line per revision the database is at, "<revision> (head)" when it is a head, as Alembic does; ' +
    'nothing when the database is at base (no migration applied). Reads the version table only: it creates ' +
    'neither the database nor the table.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'In a deploy script.', command: '<%= config.bin %> <%= command.id %> | grep -q "(head)" || <%= config.bin %> upgrade head' },
    { description: 'As JSON.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  async run(): Promise<CurrentResult> {
    await this.parse(Current);
    const result = await current(await this.environment());
    const effective = new Set(result.effectiveHeads);
    for (const rev of result.revisions) {
      const effectiveHead = effective.has(rev.id);
      this.out(this.baseFlags.verbose ? formatRevisionEntry(rev) : formatCurrentLine(rev, { effectiveHead }));
    }
    return result;
  }
}

import { upgrade, type UpgradeResult } from '@cloudguard/migrate-core';
import { Args } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { formatNothingToDo } from '../render/migrate.js';

/** `cgmigrate upgrade [TARGET]`: Alembic's `upgrade`. */
export default class Upgrade extends BaseCommand<UpgradeResult> {
  static override summary = 'Upgrade the database to a later revision.';
  static override description =
    'Runs the migrations between the current revision and TARGET under the migration lock, one ' +
    '"Running upgrade <from> -> <to>, <message>" line per step on stderr. TARGET is `head` (default), `heads`, ' +
    'a revision id or unique prefix, `+N` (N steps up), `<id>+N`, or `<label>@head`.';

  static override examples = [
    { description: 'Apply every pending migration.', command: '<%= config.bin %> <%= command.id %> head' },
    { description: 'Apply the next migration only.', command: '<%= config.bin %> <%= command.id %> +1' },
    { description: 'Upgrade every branch when there are several heads.', command: '<%= config.bin %> <%= command.id %> heads' },
    {
      description: 'Against another database.',
      command: 'DATABASE_URL=postgresql://app@db/cloudguard <%= config.bin %> <%= command.id %> head',
    },
  ];

  static override args = {
    target: Args.string({ description: 'Revision to upgrade to.', default: 'head' }),
  };

  async run(): Promise<UpgradeResult> {
    const { args } = await this.parse(Upgrade);
    const result = await upgrade(await this.environment(), { target: args.target });
    if (result.steps.length === 0) this.note(formatNothingToDo(result));
    return result;
  }
}

import { heads, type HeadsResult } from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { formatHeadLine, formatRevisionEntries } from '../render/revisions.js';

/** `cgmigrate heads [--resolve-dependencies]`: Alembic's `heads`. */
export default class Heads extends BaseCommand<HeadsResult> {
  static override summary = 'Show the head revisions of the migration scripts.';
  static override description =
    'Prints one line per head, "<revision> (<branch labels>) (head)", as Alembic does; a head that another ' +
    'revision depends on is marked "(effective head)". Several heads mean the history has branched: upgrade them ' +
    'with `upgrade heads`, or join them with `merge heads`. --verbose prints each head in full. Reads the ' +
    'migration files only, never the database.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'In CI: fail when the history has branched.', command: 'test "$(<%= config.bin %> <%= command.id %> | wc -l)" -le 1' },
    { description: 'Every head in full.', command: '<%= config.bin %> <%= command.id %> --verbose' },
  ];

  static override flags = {
    'resolve-dependencies': Flags.boolean({
      summary: 'Leave out heads that another revision depends on (Alembic\'s --resolve-dependencies).',
    }),
  };

  async run(): Promise<HeadsResult> {
    const { flags } = await this.parse(Heads);
    const result = await heads(await this.environment(), { resolveDependencies: flags['resolve-dependencies'] });
    if (this.jsonEnabled()) return result;
    if (this.baseFlags.verbose) {
      if (result.revisions.length > 0) this.out(formatRevisionEntries(result.revisions));
      return result;
    }
    // A head another revision depends on is not a real head: Alembic marks it "(effective head)".
    const effective = new Set(result.effectiveHeads);
    for (const rev of result.revisions) this.out(formatHeadLine(rev, { effectiveHead: effective.has(rev.id) }));
    return result;
  }
}

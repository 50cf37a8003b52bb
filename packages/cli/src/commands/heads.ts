import type { HeadsResult } from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { runHeads, type HeadsFlags } from '../run/heads.js';

/** `cgmigrate heads [--resolve-dependencies]`: Alembic's `heads`. */
export default class Heads extends BaseCommand<HeadsResult> {
  static override summary = 'Show the head revisions of the migration scripts.';
  static override description =
    'Prints one line per head, "<revision> (<branch labels>) (head)", as Alembic does; a head that another ' +
    'revision depends on is marked "(effective head)". Several heads mean the history has branched: upgrade them ' +
    'with `upgrade heads`, or join them with `merge heads`. --verbose prints each head in full. --check is the ' +
    'pre-merge guard for a git hook or CI: it fails (UNEXPECTED_HEADS, exit status 1) when there are several heads, ' +
    'unless they are the ones the config declares in `expectedHeads`. Reads the migration files only, never the database.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'In a git hook or CI: fail when the history has branched (unless the config declares the heads).', command: '<%= config.bin %> <%= command.id %> --check' },
    { description: 'Every head in full.', command: '<%= config.bin %> <%= command.id %> --verbose' },
    { description: 'Only the heads no other revision depends on.', command: '<%= config.bin %> <%= command.id %> --resolve-dependencies' },
    { description: 'As JSON, with the effective heads listed apart.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override flags = {
    'resolve-dependencies': Flags.boolean({
      summary: 'Leave out heads that another revision depends on (Alembic\'s --resolve-dependencies).',
    }),
    check: Flags.boolean({
      summary: 'Fail (exit status 1) unless there is at most one head, or exactly the config\'s expectedHeads.',
    }),
  };

  run(): Promise<HeadsResult> {
    return runHeads(this.context, this.parsedInput.flags as HeadsFlags);
  }
}

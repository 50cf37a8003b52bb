import { merge, type RevisionResult } from '@cloudguard/migrate-core';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { revisionArgs } from '../revision-args.js';
import { reportWritten, writingRevision } from '../written-revision.js';

/** `cgmigrate merge REVISIONS... -m MESSAGE`: Alembic's `merge`. */
export default class Merge extends BaseCommand<RevisionResult> {
  static override summary = 'Create a revision that merges two or more revisions.';
  static override description =
    'Writes a new migration file whose downRevision lists the given revisions, so that their branches end in one ' +
    'head again; its up() and down() start empty. REVISIONS is `heads` (every head) or two or more ids, prefixes ' +
    'or `<label>@head`. Prints "Generating <path> ... done" on stderr, as Alembic does, and the path alone on ' +
    'stdout, then runs the `postWriteHooks` of cgmigrate.config.ts on it. Nothing touches the database: run `upgrade head` ' +
    'afterwards.';

  static override examples = [
    { description: 'Join every head.', command: '<%= config.bin %> <%= command.id %> heads -m "Merge migrations"' },
    { description: 'Join two revisions.', command: '<%= config.bin %> <%= command.id %> ae1027 27c6a3 -m "Merge cart and accounts"' },
    {
      description: 'Join the heads of two labelled branches and label the result.',
      command: '<%= config.bin %> <%= command.id %> reporting@head accounts@head -m "Merge reporting" --branch-label main',
    },
    { description: 'Print the new file\'s path and id as JSON.', command: '<%= config.bin %> <%= command.id %> heads -m "Merge migrations" --json' },
  ];

  // Several revisions: oclif takes a variable number of arguments only when not strict.
  static override strict = false;

  static override args = {
    revisions: Args.string({ description: 'Revisions to merge: heads, or two or more ids, prefixes or <label>@head.', required: true }),
  };

  static override flags = {
    message: Flags.string({ char: 'm', summary: 'Describe the merge (required).', default: '' }),
    'branch-label': Flags.string({ summary: 'Branch label for the merge revision.', helpValue: '<label>' }),
    'rev-id': Flags.string({ summary: 'Use this revision id instead of a generated one.', helpValue: '<id>' }),
  };

  readonly #output = { note: (text: string) => this.note(text), out: (text: string) => this.out(text) };

  async run(): Promise<RevisionResult> {
    const { argv, flags } = await this.parse(Merge);
    const env = await this.environment();
    const result = await writingRevision(this.#output, () =>
      merge(env, {
        revisions: revisionArgs(argv),
        message: flags.message,
        branchLabel: flags['branch-label'],
        revId: flags['rev-id'],
      }),
    );
    reportWritten(this.#output, result.path, result.hooks);
    return result;
  }
}

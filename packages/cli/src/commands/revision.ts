import { autogenerateRevision, revision, REVISION_FORMATS, type AutogenerateResult, type RevisionResult } from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { reportWritten, writingRevision } from '../written-revision.js';

/** `cgmigrate revision -m MESSAGE`: Alembic's `revision`. */
export default class Revision extends BaseCommand<RevisionResult | AutogenerateResult> {
  static override summary = 'Create a new revision file.';
  static override description =
    'Writes a new migration file into the versions/ folder of the script location, from its revision template, ' +
    'revising the current head. Prints "Generating <path> ... done" on stderr, as Alembic does, and the new ' +
    'file\'s path alone on stdout, so that `$EDITOR "$(cgmigrate revision -m …)"` works. Nothing touches the database, ' +
    'except with --autogenerate: then the `entities` of cgmigrate.config.ts are compared with the database, which must ' +
    'be at head, and the migration is written from the difference (each change is printed on stderr, and what needs a ' +
    'review is written into the file as comments and printed as a warning). When nothing differs, it prints "No changes ' +
    'in schema detected." and writes no file, unless --allow-empty. The `postWriteHooks` of cgmigrate.config.ts run on ' +
    'the new file (e.g. a formatter); when one fails, the file is kept and the command exits with status 1. ' +
    'With --format mikro-orm the file is a MikroORM Migration class, as MikroORM\'s migration:create writes it ' +
    '(versions/Migration<YYYYMMDDHHMMSS>[_<slug of -m>].ts, whatever fileTemplate says; -m is then optional, and the class name ' +
    'is the message without it), its static members holding the revision, and up()/down() adding the SQL statements --as sql ' +
    'would write (without --autogenerate, MikroORM\'s blank migration).';

  static override examples = [
    { description: 'An empty migration on top of the head.', command: '<%= config.bin %> <%= command.id %> -m "Add scan duration"' },
    {
      description: 'A migration from the difference between the entities and the database.',
      command: '<%= config.bin %> <%= command.id %> --autogenerate -m "Add scan duration"',
    },
    {
      description: 'Start a new branch from a revision that is not a head.',
      command: '<%= config.bin %> <%= command.id %> -m "Reporting tables" --head ae1027 --splice --branch-label reporting',
    },
    { description: 'Open the new file in an editor.', command: '$EDITOR "$(<%= config.bin %> <%= command.id %> -m "Add scan duration")"' },
    {
      description: 'A migration that must run after a revision of another branch.',
      command: '<%= config.bin %> <%= command.id %> -m "Link scans to accounts" --depends-on ae1027',
    },
    { description: 'Choose the revision id yourself.', command: '<%= config.bin %> <%= command.id %> -m "Initial schema" --rev-id 000001' },
    {
      description: "A MikroORM migration class from the difference, next to a MikroORM project's own migrations.",
      command: '<%= config.bin %> <%= command.id %> --autogenerate --format mikro-orm -m "Add scan duration"',
    },
  ];

  static override flags = {
    message: Flags.string({ char: 'm', summary: 'Describe the change (required, except with --format mikro-orm).', default: '' }),
    'rev-id': Flags.string({ summary: 'Use this revision id instead of a generated one.', helpValue: '<id>' }),
    head: Flags.string({
      summary: 'The revision the new one revises: a head (default `head`), `base`, `<label>@head`, or any revision with --splice.',
      helpValue: '<revision>',
    }),
    splice: Flags.boolean({ summary: 'Allow --head to name a revision that is not a head, starting a branch.' }),
    autogenerate: Flags.boolean({
      summary: 'Write up() and down() from the difference between the configured entities and the database (which must be at head).',
    }),
    'allow-empty': Flags.boolean({
      summary: 'With --autogenerate, write the file even when no change is detected.',
      dependsOn: ['autogenerate'],
    }),
    as: Flags.string({
      summary: "With --autogenerate, write portable schema operations ('operations') or the database's SQL ('sql'); default: the config's autogenerateAs.",
      options: ['operations', 'sql'],
      dependsOn: ['autogenerate'],
      helpValue: '<operations|sql>',
    }),
    format: Flags.option({
      options: REVISION_FORMATS,
      summary: "Write cgmigrate's migration (default: the revision template) or a MikroORM Migration class ('mikro-orm').",
      helpValue: '<cgmigrate|mikro-orm>',
    })(),
    'branch-label': Flags.string({ summary: 'Branch label for the new revision.', helpValue: '<label>' }),
    'depends-on': Flags.string({
      summary: 'A revision the new one depends on; repeat the flag or separate with commas.',
      helpValue: '<revision>',
      multiple: true,
      multipleNonGreedy: true,
      delimiter: ',',
    }),
  };

  readonly #output = { note: (text: string) => this.note(text), out: (text: string) => this.out(text) };

  async run(): Promise<RevisionResult | AutogenerateResult> {
    const { flags } = await this.parse(Revision);
    const options = {
      message: flags.message,
      revId: flags['rev-id'],
      head: flags.head,
      splice: flags.splice,
      branchLabel: flags['branch-label'],
      dependsOn: flags['depends-on'],
      format: flags.format,
    };
    if (flags.autogenerate) {
      return this.#autogenerate({ ...options, allowEmpty: flags['allow-empty'], as: flags.as as 'operations' | 'sql' | undefined });
    }
    const env = await this.environment();
    const result = await writingRevision(this.#output, () => revision(env, options));
    reportWritten(this.#output, result.path, result.hooks);
    return result;
  }

  async #autogenerate(options: Parameters<typeof autogenerateRevision>[1]): Promise<AutogenerateResult> {
    const env = await this.environment();
    const result = await writingRevision(this.#output, () => autogenerateRevision(env, options));
    for (const message of result.messages) this.note(message);
    for (const note of result.notes) this.note(`Review the migration: ${note}`);
    // With the safe forms, a second, transactional: false revision follows the first: each file is reported.
    if (result.written) for (const written of result.revisions) reportWritten(this.#output, written.path, written.hooks);
    // What the new files will lock, rewrite or destroy, as `cgmigrate lint` would say it.
    if (result.written) for (const finding of result.lint.findings) this.context.warn(`${finding.file}:${finding.line} ${finding.ruleId} ${finding.message}`);
    return result;
  }
}

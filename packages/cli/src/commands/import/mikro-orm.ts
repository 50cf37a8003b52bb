import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import type { MikroOrmAdoptionResult } from '../../mikro-orm-adoption.js';
import { runImportMikroOrm, type ImportMikroOrmFlags } from '../../run/import-mikro-orm.js';

/** `cgmigrate import mikro-orm`: adopt a MikroORM project's migrations and history. */
export default class ImportMikroOrm extends BaseCommand<MikroOrmAdoptionResult> {
  static override summary = "Adopt a MikroORM project's migrations and history as cgmigrate revisions.";
  static override description =
    'Run in a project made with `cgmigrate init`. Finds the MikroORM config as MikroORM\'s own CLI does ' +
    '(MIKRO_ORM_CLI_CONFIG, package.json "mikro-orm".configPaths, ./src/mikro-orm.config.ts, ./mikro-orm.config.ts, ' +
    './dist/mikro-orm.config.js, ./mikro-orm.config.js; or --mikro-orm-config), reads its migrations settings ' +
    '(migrations.pathTs or path, glob, tableName) and MikroORM\'s table of applied migrations (mikro_orm_migrations) ' +
    'in the database cgmigrate is configured for (--url, DATABASE_URL or the config\'s url; never the MikroORM ' +
    'config\'s connection). Each migration file is written into versions/ under its MikroORM file name, its class ' +
    'unchanged but for `static revision` and `static downRevision` as its first members: one linear chain in ' +
    'MikroORM\'s order, ids the first 12 hex digits of sha256("mikro-orm:" + name), so everyone who adopts the ' +
    'project gets the same ids; the first one follows the head of versions/ (several heads: merge them first). ' +
    'The MikroORM folder is left as it was (when it is versions/ itself, the files are annotated in place). Then the ' +
    'database is stamped at the last applied migration\'s revision. Nothing is written, and the command fails with ' +
    'MIKRO_ORM_IMPORT_REFUSED listing every problem, when an applied row has no file, a file is not applied while a ' +
    'later one is, executed_at goes back in file order (these three are adopted with --force, which says what it ' +
    'assumes), a file in versions/ of the same name has other content, or the database\'s version table is not where ' +
    'the adopted revisions start. Running it again changes nothing. Once the result is reviewed, MikroORM\'s ' +
    'migrations folder and its migrator settings can go (see docs/mikro-orm.md).';

  static override examples = [
    { description: "Adopt the project in the working directory, into cgmigrate.config.ts's versions/.", command: '<%= config.bin %> <%= command.id %>' },
    { description: 'A config MikroORM\'s CLI would not find by itself.', command: '<%= config.bin %> <%= command.id %> --mikro-orm-config config/orm.ts' },
    { description: 'One context of a config that exports several.', command: '<%= config.bin %> <%= command.id %> --mikro-orm-context reporting' },
    { description: 'Adopt despite a migration applied out of order, saying what is assumed.', command: '<%= config.bin %> <%= command.id %> --force' },
    { description: 'As JSON.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override flags = {
    'mikro-orm-config': Flags.string({
      summary: 'The MikroORM config file, instead of looking where MikroORM\'s CLI looks (as its --config).',
      helpValue: '<path>',
    }),
    'mikro-orm-context': Flags.string({
      summary: 'The context to read from a MikroORM config that exports several (as its --context); default MIKRO_ORM_CONTEXT_NAME, else "default".',
      helpValue: '<name>',
    }),
    force: Flags.boolean({
      summary: 'Adopt despite rows without a file and migrations applied out of order, and report what is assumed.',
    }),
  };

  run(): Promise<MikroOrmAdoptionResult> {
    return runImportMikroOrm(this.context, this.parsedInput.flags as ImportMikroOrmFlags);
  }
}

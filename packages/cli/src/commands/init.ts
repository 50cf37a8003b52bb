import { statSync } from 'node:fs';
import { init, type InitResult } from '@cloudguard/migrate-core';
import { Args } from '@oclif/core';
import { BaseCommand } from '../base-command.js';

/** `cgmigrate init [DIRECTORY]`: Alembic's `init`. */
export default class Init extends BaseCommand<InitResult> {
  static override summary = 'Create a migration environment.';
  static override description =
    'Creates DIRECTORY with a versions/ folder and the revision template, and cgmigrate.config.ts in the ' +
    'working directory (an existing config file is left alone). DIRECTORY must not exist yet or be empty. ' +
    'Nothing touches the database. Progress goes to stderr; --json prints what was created.';

  static override examples = [
    { description: 'Create migrations/ and cgmigrate.config.ts.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Keep migrations somewhere else.', command: '<%= config.bin %> <%= command.id %> db/migrations' },
    { description: 'List what was created, as JSON.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override args = {
    directory: Args.string({
      description: 'The script location to create, relative to the working directory.',
      default: 'migrations',
    }),
  };

  async run(): Promise<InitResult> {
    const { args } = await this.parse(Init);
    const result = await init({ directory: args.directory, cwd: process.cwd() });
    for (const created of result.created) {
      this.note(isDirectory(created) ? `Creating directory ${created} ... done` : `Generating ${created} ... done`);
    }
    for (const skipped of result.skipped) this.note(`Keeping existing ${skipped}`);
    this.note(`Please edit the settings in ${result.configPath} before proceeding.`);
    return result;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

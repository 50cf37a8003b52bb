import { acceptEditedMigration, MAX_ACCEPT_REASON_LENGTH, type AcceptEditedMigrationResult } from '@cloudguard/migrate-core';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { formatAcceptedEdit } from '../../render/accepted-edit.js';

/** `cgmigrate audit accept REVISION --reason "…"`: accept a reviewed edit of an applied migration. */
export default class AuditAccept extends BaseCommand<AcceptEditedMigrationResult> {
  static override summary = 'Accept a reviewed edit of an applied migration, so that check no longer reports it.';
  static override description =
    'An applied migration whose file changed afterwards (reformatted, a comment fixed) fails `check` with ' +
    'MIGRATION_EDITED and makes `upgrade` warn. When the edit was reviewed and changes nothing that ran, this ' +
    'records in the cgmigrate_audit table who accepted it, when, why (--reason), the SHA-256 the file had and the ' +
    'one it has now; `check` and `upgrade` then compare the file with the accepted SHA-256, so a later edit is ' +
    'reported again, and `history --verbose` shows the acceptance. Nothing else changes: not the version table, ' +
    'not the schema. Runs under the migration lock. REVISION is an id or unique prefix, `head`, `<label>@head` or ' +
    '`current`, and must be applied to the database. An edit that changes what the migration does should be ' +
    'reverted and written as a new migration instead.';

  static override examples = [
    {
      description: 'Accept a formatting change to an applied migration.',
      command: '<%= config.bin %> <%= command.id %> ae1027 --reason "reformatted by prettier 3, reviewed in #412"',
    },
    { description: 'As JSON, for a deploy log.', command: '<%= config.bin %> <%= command.id %> head --reason "typo in a comment" --json' },
  ];

  static override args = {
    revision: Args.string({ description: 'The applied revision whose edit to accept: an id, prefix, head, <label>@head or current.', required: true }),
  };

  static override flags = {
    reason: Flags.string({
      summary: `Why the edit is harmless; kept in the audit table (at most ${MAX_ACCEPT_REASON_LENGTH} characters).`,
      helpValue: '<text>',
      required: true,
    }),
  };

  async run(): Promise<AcceptEditedMigrationResult> {
    const { args, flags } = this.parsedInput;
    const env = await this.environment();
    const result = await acceptEditedMigration(env, { revision: args['revision'] as string, reason: flags['reason'] as string });
    this.note(formatAcceptedEdit(result));
    return result;
  }
}

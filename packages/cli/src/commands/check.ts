import { check, type CheckResult, type FleetReport } from '@cloudguard/migrate-core';
import { BaseCommand } from '../base-command.js';
import { ExitStatus } from '../exit-codes.js';
import { checkHint } from '../hints.js';
import { fleetFlags, isFleetRun, type FleetFlags } from '../run/fleet-flags.js';
import { runFleetCli } from '../run/fleet.js';

/** `cgmigrate check`: Alembic's `check`, for what cgmigrate can check today. */
export default class Check extends BaseCommand<CheckResult | FleetReport> {
  static override summary =
    'Check that the database is up to date, that no applied migration was edited, that concurrent branches do not change the same objects, and that the schema matches the entities.';
  static override description =
    'Reads the database (without changing it) and reports, one line per problem on stdout: revisions not applied ' +
    'yet, and applied migrations whose file changed since they ran (their SHA-256 differs from the one recorded in ' +
    'the cgmigrate_audit table), pairs of migrations on concurrent branches (unmerged heads, or the two sides of a ' +
    'merge not applied yet) that touch the same table, column, index or constraint and were not acknowledged as ' +
    'reviewed, and, when cgmigrate.config.ts lists `entities` and the database is at head, each ' +
    'difference between them and the database schema ("Detected added column \'user.email\'"): what ' +
    '`revision --autogenerate` would write. Exits with status 1 when it finds a problem, 0 when it finds none; with ' +
    '--json the result lists every problem with a stable code (DB_NOT_UP_TO_DATE, MIGRATION_EDITED, BRANCH_CONFLICT, SCHEMA_DRIFT). A migration whose SQL cannot be read ' +
    'for the branch comparison is named in a warning on stderr (it does not fail the check).';

  static override examples = [
    { description: 'In CI, after deploying.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'As JSON, for a dashboard.', command: '<%= config.bin %> <%= command.id %> --json' },
    {
      description: 'Fail a CI step on any problem: the exit status is 1, no text matching needed.',
      command: '<%= config.bin %> <%= command.id %> --quiet || exit 1',
    },
    { description: 'Against the production database.', command: 'DATABASE_URL="$PROD_DATABASE_URL" <%= config.bin %> <%= command.id %>' },
  ];

  static override flags = { ...fleetFlags };

  async run(): Promise<CheckResult | FleetReport> {
    const flags = this.parsedInput.flags as FleetFlags;
    if (isFleetRun(flags)) return runFleetCli(this.context, { command: 'check' }, flags);
    const result = await check(await this.environment());
    for (const problem of result.problems) this.out(problem.message);
    if (result.ok) {
      const schema = result.drift === null ? '' : ', and its schema matches the entities';
      this.note(`No problems found: the database is up to date and every applied migration matches its file${schema}.`);
    } else {
      const hint = checkHint(result, { bin: this.config.bin });
      // The problems are the output (stdout); the remedy goes to stderr, as an error's hint does.
      if (hint !== undefined && !this.jsonEnabled()) this.context.hint(hint);
      // A finding, not an error: the result is still the output (also with --json), and the status says it failed.
      process.exitCode = ExitStatus.check;
    }
    return result;
  }
}

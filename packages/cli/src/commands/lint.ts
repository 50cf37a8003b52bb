import type { FleetReport, LintResult } from '@cloudguard/migrate-core';
import { fleetFlags } from '../run/fleet-flags.js';
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { LINT_FORMATS, runLint, type LintFlags } from '../run/lint.js';

/** `cgmigrate lint [RANGE]`: what migrations will lock, rewrite or destroy, before they run. */
export default class Lint extends BaseCommand<LintResult | FleetReport> {
  static override summary = 'Find what migrations will lock, rewrite or destroy, before they run.';
  static override description =
    "Renders each migration's statements offline for the configured dialect, reads them with the dialect's own parser " +
    '(PostgreSQL: libpg-query; SQLite: a SQLite grammar) and checks them against the rules in docs/lint.md. By default ' +
    'it lints the revisions not yet applied to the configured database; when the database cannot be reached, the heads ' +
    'and their unmerged branches. A statement on a table created earlier in the same revision, or by an ancestor not yet ' +
    'applied, raises no lock, compatibility or destructive finding. Silence one finding with ' +
    '`// cgmigrate-lint-ignore RULE_ID reason` on the line above the statement; set severities with `lint.rules` in the ' +
    'config. Prints `<file>:<line> <RULE_ID> <message>` per finding; --format sarif writes SARIF 2.1.0 for code ' +
    'scanning, --format github writes GitHub Actions annotations. Exits 1 when a finding is an error, 0 otherwise.';

  static override examples = [
    { description: 'What the next upgrade would run.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'A range, for a server older than the one connected to.', command: '<%= config.bin %> <%= command.id %> ae1027:head --server-version 12' },
    { description: 'Every revision.', command: '<%= config.bin %> <%= command.id %> --all' },
    { description: 'For GitHub code scanning.', command: '<%= config.bin %> <%= command.id %> --format sarif > cgmigrate.sarif' },
    { description: 'As annotations on a pull request, in a GitHub Actions step.', command: '<%= config.bin %> <%= command.id %> --format github' },
  ];

  static override args = {
    range: Args.string({ description: "Revisions to lint, in history's range syntax: ae1027:head, base:3f2a, -3:.", required: false }),
  };

  static override flags = {
    ...fleetFlags,
    all: Flags.boolean({ summary: 'Lint every revision (not with a range).' }),
    'server-version': Flags.string({
      summary: "The server version the rules assume (e.g. 12, 15.4), instead of the connected server's.",
      helpValue: '<version>',
    }),
    format: Flags.option({
      options: LINT_FORMATS,
      summary: 'Output: text lines, JSON (as --json), SARIF 2.1.0, or GitHub Actions annotations.',
      helpValue: '<text|json|sarif|github>',
    })(),
  };

  run(): Promise<LintResult | FleetReport> {
    const { args, flags } = this.parsedInput;
    return runLint(this.context, args['range'] as string | undefined, flags as LintFlags);
  }
}

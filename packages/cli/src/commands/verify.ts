import type { FleetReport, VerifyResult } from '@cloudguard/migrate-core';
import { fleetFlags } from '../run/fleet-flags.js';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { runVerify, type VerifyFlags } from '../run/verify.js';

/** `cgmigrate verify`: every migration up, down and up again on a throwaway database, for CI. */
export default class Verify extends BaseCommand<VerifyResult | FleetReport> {
  static override summary = 'Run every migration up, down and up again on a throwaway database, and check the graph and the schema.';
  static override description =
    'Never touches the configured database: it creates a throwaway one on the same server (SQLite: a file in a private ' +
    'temporary folder; PostgreSQL: CREATE DATABASE cgmigrate_verify_<random>, dropped at the end even on failure), or ' +
    'uses the empty database of --shadow-url (or `shadowUrl` in the config). Checks, in order: the revision graph (one ' +
    'head, no cycle, no missing parent or dependency: every fault is reported); an upgrade from base to the heads; the ' +
    'stairway: each revision, branches and merges included, in the order `upgrade heads` runs them, goes up, down (the ' +
    'schema must then be what it was before the up) and up again; with `entities` in the config, the schema at the ' +
    'heads against them; and `downgrade base`, which must leave only the version and audit tables. The first failure of ' +
    'a run stops it and is printed on stdout with the revision, its file, the direction and the failing statement or ' +
    'the schema difference. Exits 0 when every check passed, 1 when one failed, 2 for a usage or configuration error.';

  static override examples = [
    { description: 'In CI, on every pull request.', command: '<%= config.bin %> <%= command.id %>' },
    {
      description: 'Only what a branch adds: straight to the revision the main branch is at, then the stairway over what came after it.',
      command: '<%= config.bin %> <%= command.id %> --from 4b1d0c9e2a7f',
    },
    { description: 'With an empty database of your own, where the role cannot create databases.', command: '<%= config.bin %> <%= command.id %> --shadow-url postgresql://ci@db/app_shadow' },
    { description: 'As JSON, for a CI report.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override flags = {
    ...fleetFlags,
    from: Flags.string({
      summary: 'Upgrade straight to this revision, then run the stairway only over the revisions it does not include.',
      helpValue: '<revision>',
    }),
    'shadow-url': Flags.string({
      summary: 'An empty database to use instead of creating a throwaway one (never the configured database).',
      helpValue: '<url>',
    }),
  };

  run(): Promise<VerifyResult | FleetReport> {
    return runVerify(this.context, this.parsedInput.flags as VerifyFlags);
  }
}

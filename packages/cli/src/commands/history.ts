import type { HistoryResult } from '@cloudguard/migrate-core';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { DIAGRAM_FORMATS } from '../render/graph/diagram.js';
import { runHistory, type HistoryFlags } from '../run/history.js';

/** `cgmigrate history [-r RANGE] [--indicate-current]`: Alembic's `history`. */
export default class History extends BaseCommand<HistoryResult> {
  static override summary = 'List revisions, newest first.';
  static override description =
    'Prints "<down> -> <revision> (head), <message>" per revision, newest first, in Alembic\'s format: <base> ' +
    'marks a first revision, and (head), (branchpoint), (mergepoint) and, with --indicate-current, (current) ' +
    'mark revisions. With --verbose, each revision is shown in full with when and by whom it was applied. Reads ' +
    'the database only for --indicate-current, --verbose, a range that mentions `current`, or a picture. ' +
    '--graph draws the revisions as a graph (like `git log --graph`: a lane per branch, `*` a revision, `@` one the ' +
    'database is at); --format mermaid|dot writes the graph for docs and pull requests. Pictures mark the current ' +
    'revisions when the database can be read and are drawn without marks otherwise. --json prints the same list ' +
    'whatever the picture flags.';

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    { description: 'The last three revisions.', command: '<%= config.bin %> <%= command.id %> -r -3:' },
    { description: 'What is not applied yet.', command: '<%= config.bin %> <%= command.id %> -r current:head' },
    { description: 'Mark where the database is.', command: '<%= config.bin %> <%= command.id %> --indicate-current' },
    { description: 'Each revision in full, with when and by whom it was applied.', command: '<%= config.bin %> <%= command.id %> --verbose' },
    { description: 'Branches and merges as a graph in the terminal.', command: '<%= config.bin %> <%= command.id %> --graph' },
    { description: 'The graph of the last ten revisions.', command: '<%= config.bin %> <%= command.id %> --graph -r -10:' },
    { description: 'A Mermaid diagram for a pull request.', command: '<%= config.bin %> <%= command.id %> --format mermaid > docs/revisions.mmd' },
    { description: 'A Graphviz picture.', command: '<%= config.bin %> <%= command.id %> --format dot | dot -Tsvg > revisions.svg' },
    { description: 'As JSON.', command: '<%= config.bin %> <%= command.id %> --json' },
  ];

  static override flags = {
    'rev-range': Flags.string({
      char: 'r',
      summary: 'Only revisions in lower:upper, e.g. base:head, -3:, current:, ae10:.',
      helpValue: '<range>',
    }),
    'indicate-current': Flags.boolean({ char: 'i', summary: 'Mark the revisions the database is at with (current).' }),
    graph: Flags.boolean({
      char: 'g',
      summary: 'Draw the revision graph: one revision a line, a lane per branch, @ where the database is.',
      exclusive: ['format'],
    }),
    format: Flags.option({
      options: DIAGRAM_FORMATS,
      summary: 'Write the graph as a Mermaid flowchart or a Graphviz digraph, for docs and pull requests.',
      helpValue: '<mermaid|dot>',
      exclusive: ['graph'],
    })(),
  };

  run(): Promise<HistoryResult> {
    return runHistory(this.context, this.parsedInput.flags as HistoryFlags);
  }
}

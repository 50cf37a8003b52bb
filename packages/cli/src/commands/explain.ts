import { Args, Errors } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { ErrorReference } from '../error-reference.js';
import { ExitStatus } from '../exit-codes.js';
import { closestName } from '@cloudguard/migrate-core';
import { formatExplanation } from '../render/explanation.js';
import { painterFor } from '../render/style.js';

/** What `cgmigrate explain CODE --json` prints (docs/json/explain.schema.json). */
export interface ExplainResult {
  /** The code, as the reference and every error write it (upper case). */
  readonly code: string;
  /** Its section of docs/errors.md in Markdown, without the heading: message, exit status, cause and fix. */
  readonly markdown: string;
}

/**
 * `cgmigrate explain CODE`: the section of the error reference about a code, offline.
 * Every error ends with `See: cgmigrate explain <CODE>`; the reference ships in the
 * package (`src/error-reference.ts`).
 */
export default class Explain extends BaseCommand<ExplainResult> {
  static override summary = 'Explain an error code: its message, exit status, cause and fix.';
  static override description =
    'Prints the section of the error reference (docs/errors.md, which comes with the CLI) about CODE, the word ' +
    'in brackets after "Error" (`Error [LOCK_TIMEOUT]: …`). Works offline and outside a project; reads no config ' +
    'and no database. An unknown code is a usage error (exit status 2) that lists the codes.';

  static override examples = [
    { description: 'What a lock timeout means and what to do about it.', command: '<%= config.bin %> <%= command.id %> LOCK_TIMEOUT' },
    { description: 'Codes are case-insensitive.', command: '<%= config.bin %> <%= command.id %> multiple_heads' },
    { description: 'The section in Markdown, as JSON.', command: '<%= config.bin %> <%= command.id %> REVISION_NOT_FOUND --json' },
  ];

  // Neither a config file nor a database: only --json of the common flags applies.
  static override baseFlags = {};

  static override args = {
    code: Args.string({ description: 'The error code, as printed in brackets after "Error".', required: true }),
  };

  async run(): Promise<ExplainResult> {
    const typed = String(this.parsedInput.args['code']);
    const code = typed.toUpperCase();
    const reference = ErrorReference.read();
    const markdown = reference.section(code);
    if (markdown === undefined) {
      const suggestion = closestName(code, reference.codes);
      throw new Errors.CLIError(
        `'${typed}' is not an error code of ${this.config.bin}.` +
          (suggestion === undefined ? '' : ` Did you mean ${suggestion}?`) +
          ` Codes: ${reference.codes.join(', ')}.`,
        { exit: ExitStatus.usage },
      );
    }
    this.out(formatExplanation(code, markdown, painterFor(process.stdout)));
    return { code, markdown };
  }
}

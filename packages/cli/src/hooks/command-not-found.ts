import { Errors, toConfiguredId, type Hook } from '@oclif/core';
import { ExitStatus } from '../exit-codes.js';
import { errorJson, formatError, type ErrorReport } from '../render/error.js';
import { painterFor } from '../render/style.js';
import { closestName } from '@cloudguard/migrate-core';

/**
 * `command_not_found`: a misspelt command (`cgmigrate upgarde`) names the command it
 * most likely meant and exits with status 2, a usage error.
 *
 * In an interactive terminal, `@oclif/plugin-not-found` asks "Did you mean upgrade?"
 * and runs it when confirmed. Anywhere else (CI, a pipe, a script) nobody can answer,
 * and that plugin would print no suggestion at all, so the suggestion is printed as the
 * error's hint instead, with no prompt.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const { config, id } = options;
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const { default: prompt } = await import('@oclif/plugin-not-found');
    try {
      return await prompt.call(this, options);
    } catch (error) {
      // The plugin exits 127 when the suggestion is declined; cgmigrate's usage errors exit 2.
      if (error instanceof Errors.CLIError && error.oclif.exit === 127) {
        throw new Errors.CLIError(error.message, { exit: ExitStatus.usage });
      }
      throw error;
    }
  }
  const visible = config.commands.filter((command) => !command.hidden);
  const ids = [...visible.map((command) => command.id), ...visible.flatMap((command) => command.aliases)];
  // With spaces between topics, oclif joins the words that follow into the id
  // (`upgarde head` arrives as `upgarde:head`): the typo is in the words a command id would have.
  const { typed, suggestion } = suggest(id.split(':'), ids);
  const report: ErrorReport = {
    code: 'COMMAND_NOT_FOUND',
    message: `'${toConfiguredId(typed, config)}' is not a ${config.bin} command.`,
    hint:
      (suggestion === undefined ? '' : `Did you mean \`${config.bin} ${toConfiguredId(suggestion, config)}\`? `) +
      `Run \`${config.bin} help\` for the list of commands.`,
    exitCode: ExitStatus.usage,
    data: {
      command: toConfiguredId(typed, config),
      ...(suggestion === undefined ? {} : { suggestion: toConfiguredId(suggestion, config) }),
    },
    causes: [],
  };
  if (options.argv?.includes('--json')) {
    process.stdout.write(`${JSON.stringify(errorJson(report, { bin: config.bin }), null, 2)}\n`);
  } else {
    process.stderr.write(`${formatError(report, { paint: painterFor(process.stderr), bin: config.bin })}\n`);
  }
  this.exit(ExitStatus.usage);
};

/**
 * The longest leading run of words that comes close to a command id of as many words,
 * and that id; with no match, the first word alone and no suggestion.
 */
function suggest(words: readonly string[], ids: readonly string[]): { typed: string; suggestion: string | undefined } {
  for (let count = words.length; count > 0; count--) {
    const typed = words.slice(0, count).join(':');
    const suggestion = closestName(typed, ids.filter((id) => id.split(':').length === count));
    if (suggestion !== undefined) return { typed, suggestion };
  }
  return { typed: words[0] ?? '', suggestion: undefined };
}

export default hook;

import { Errors, toConfiguredId, type Hook } from '@oclif/core';
import { ExitStatus } from '../exit-codes.js';
import { errorJson, formatError, type ErrorReport } from '../render/error.js';
import { painterFor } from '../render/style.js';
import { closestCommand } from './closest-command.js';

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
  const typed = toConfiguredId(id, config);
  const suggestion = closestCommand(id, ids);
  const report: ErrorReport = {
    code: 'COMMAND_NOT_FOUND',
    message: `'${typed}' is not a ${config.bin} command.`,
    hint:
      (suggestion === undefined ? '' : `Did you mean \`${config.bin} ${toConfiguredId(suggestion, config)}\`? `) +
      `Run \`${config.bin} help\` for the list of commands.`,
    exitCode: ExitStatus.usage,
    data: suggestion === undefined ? { command: typed } : { command: typed, suggestion: toConfiguredId(suggestion, config) },
    causes: [],
  };
  if (options.argv?.includes('--json')) {
    process.stdout.write(`${JSON.stringify(errorJson(report), null, 2)}\n`);
  } else {
    process.stderr.write(`${formatError(report, { paint: painterFor(process.stderr) })}\n`);
  }
  this.exit(ExitStatus.usage);
};

export default hook;

import { Errors } from '@oclif/core';
import { ExitStatus } from './exit-codes.js';

/**
 * The revision arguments of a command that takes several (`merge`, `stamp`). Such commands
 * are not `strict`, so oclif passes an unknown flag through as an argument; it is refused
 * here instead of being looked up as a revision. `-1` and the like stay arguments, for
 * core to judge.
 *
 * ### Examples
 * ```ts
 * revisionArgs(['heads'])            // ['heads']
 * revisionArgs(['head', '--prge'])   // throws: Nonexistent flag: --prge
 * ```
 * @throws {Errors.CLIError} with exit status 2 for a token that looks like a flag.
 */
export function revisionArgs(argv: readonly unknown[]): string[] {
  const revisions = argv.map(String);
  const flag = revisions.find((token) => /^--?[A-Za-z]/.test(token));
  if (flag !== undefined) {
    throw new Errors.CLIError(`Nonexistent flag: ${flag}\nSee more help with --help`, { exit: ExitStatus.usage });
  }
  return revisions;
}

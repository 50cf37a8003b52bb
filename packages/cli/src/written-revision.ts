import { isMigrateError, type PostWriteHookRun } from '@cloudguard/migrate-core';

interface Output {
  note(message: string): void;
  out(message: string): void;
}

/**
 * Reports a new migration file as Alembic does ("Generating <path> ... done" on stderr,
 * the path alone on stdout), then each post-write hook that ran on it.
 */
export function reportWritten(output: Output, path: string, hooks: readonly PostWriteHookRun[]): void {
  output.note(`Generating ${path} ... done`);
  for (const hook of hooks) output.note(`Running post-write hook '${hook.hook}' on ${path} ... done`);
  output.out(path);
}

/**
 * Runs a command that writes a migration file. When a post-write hook fails, the file
 * was written and is kept: it is reported as written (with the hooks that succeeded)
 * before the error, which then fails the command.
 */
export async function writingRevision<T>(output: Output, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isMigrateError(error) && error.code === 'POST_WRITE_HOOK_FAILED') {
      const failed = error as unknown as { path: string; succeeded: readonly string[] };
      reportWritten(output, failed.path, failed.succeeded.map((hook) => ({ hook, durationMs: 0 })));
    }
    throw error;
  }
}

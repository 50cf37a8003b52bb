/**
 * What oclif gives every command: help with examples, shell completion, and a
 * suggestion for a misspelt command that never waits for an answer outside a terminal.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject, type ErrorJson } from './cli.js';

interface ManifestCommand {
  readonly id: string;
  readonly pluginName: string;
  readonly examples?: readonly unknown[];
  readonly flags: Record<string, { readonly name: string; readonly summary?: string; readonly description?: string; readonly hidden?: boolean }>;
}
const manifest = JSON.parse(readFileSync(fileURLToPath(new URL('../../oclif.manifest.json', import.meta.url)), 'utf8')) as {
  commands: Record<string, ManifestCommand>;
};
const COMMANDS = Object.values(manifest.commands);

const project = tempProject();
afterAll(() => project.cleanup());

describe('--help', () => {
  it('covers every command of the CLI', () => {
    expect(COMMANDS.map((c) => c.id).sort()).toEqual(
      ['audit:accept', 'branches', 'check', 'current', 'downgrade', 'explain', 'fleet:enqueue', 'fleet:status', 'fleet:work', 'heads', 'history', 'import:mikro-orm', 'init', 'lint', 'merge', 'revision', 'show', 'stamp', 'upgrade', 'verify'],
    );
  });

  it.each(COMMANDS.map((c) => [c.id, c] as const))('%s: usage, description, examples and every flag explained', async (commandId, command) => {
    // A command of a topic (`audit:accept`) is typed with a space, as package.json's topicSeparator says.
    const id = commandId.replace(':', ' ');
    const run = await cgmigrate([...id.split(' '), '--help'], { cwd: project.dir, env: { COLUMNS: '200' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`$ cgmigrate ${id}`);
    expect(run.stdout).toMatch(/^DESCRIPTION$/m);
    expect(run.stdout).toMatch(/^EXAMPLES$/m);
    expect(command.examples?.length ?? 0).toBeGreaterThanOrEqual(2);
    // Every example is shown, with the real binary name, and runs this command (maybe inside a shell construct).
    // oclif breaks a long example with ` \` and an indented continuation line.
    const examples = run.stdout.slice(run.stdout.indexOf('\nEXAMPLES\n')).replace(/ \\\n\s+/g, ' ');
    for (const example of command.examples ?? []) {
      const text = (typeof example === 'string' ? example : (example as { command: string }).command)
        .replaceAll('<%= config.bin %>', 'cgmigrate')
        .replaceAll('<%= command.id %>', id);
      expect(text).toContain(`cgmigrate ${id}`);
      expect(examples).toContain(text);
    }
    for (const flag of Object.values(command.flags)) {
      if (flag.hidden) continue;
      expect(flag.summary ?? flag.description, `--${flag.name} of ${id} has no summary`).toBeTruthy();
      expect(run.stdout).toContain(`--${flag.name}`);
    }
    // explain reads neither a config nor a database: --json is its only common flag.
    const globals = id === 'explain' ? ['--json'] : ['--config', '--url', '--quiet', '--verbose', '--json'];
    for (const global of globals) expect(run.stdout).toContain(global);
    if (id === 'explain') for (const other of ['--config', '--url']) expect(run.stdout).not.toContain(other);
  });

  it('the top-level help lists the commands and the plugins\' ones', async () => {
    const run = await cgmigrate(['--help'], { cwd: project.dir });
    expect(run.code).toBe(0);
    // A topic's commands are listed under the topic (`audit`).
    for (const id of [...new Set(COMMANDS.map((c) => c.id.split(':')[0]!)), 'autocomplete', 'help', 'plugins']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${id} `, 'm'));
    }
  });
});

describe('autocomplete', () => {
  it('prints the set-up for bash and zsh and builds the completion cache with every command', async () => {
    const cache = path.join(project.dir, 'xdg-cache');
    const env = { XDG_CACHE_HOME: cache };
    const setup = await cgmigrate(['autocomplete', 'bash'], { cwd: project.dir, env });
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toContain('cgmigrate autocomplete script bash');

    const script = await cgmigrate(['autocomplete', 'script', 'zsh'], { cwd: project.dir, env });
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toContain('CGMIGRATE_AC_ZSH_SETUP_PATH');

    const bash = path.join(cache, 'cgmigrate/autocomplete/functions/bash/cgmigrate.bash');
    expect(existsSync(bash)).toBe(true);
    const completions = readFileSync(bash, 'utf8');
    for (const id of ['upgrade', 'downgrade', 'history', 'revision']) expect(completions).toContain(id);
    expect(completions).toContain('--rev-range');
  });
});

describe('a misspelt command', () => {
  it('names the closest command, exits 2, and does not prompt without a terminal', async () => {
    const run = await cgmigrate(['upgarde', 'head'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "Error [COMMAND_NOT_FOUND]: 'upgarde' is not a cgmigrate command.\n" +
        'Hint: Did you mean `cgmigrate upgrade`? Run `cgmigrate help` for the list of commands.\n' +
        'See: cgmigrate explain COMMAND_NOT_FOUND\n',
    );
  });

  it('is a JSON error document with --json', async () => {
    const run = await cgmigrate(['hsitory', '--json'], { cwd: project.dir });
    expect(run.code).toBe(2);
    const { error } = run.json<ErrorJson>();
    expect(error).toMatchObject({ code: 'COMMAND_NOT_FOUND', command: 'hsitory', suggestion: 'history', exitCode: 2 });
  });

  it('suggests nothing when nothing is close', async () => {
    const run = await cgmigrate(['deploy'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('Did you mean');
    expect(run.stderr).toContain('Run `cgmigrate help` for the list of commands.');
  });
});

describe('usage errors', () => {
  it('an unknown flag exits 2 with INVALID_ARGUMENTS', async () => {
    const run = await cgmigrate(['history', '--colour'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Error \[INVALID_ARGUMENTS\]: Nonexistent flag: --colour/m);
  });
});

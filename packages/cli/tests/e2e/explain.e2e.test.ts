/**
 * `cgmigrate explain CODE` prints a code's section of the error reference that ships with
 * the CLI, offline and outside any project; every error's last line names that command.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject, type ErrorJson } from './cli.js';

const REPO = new URL('../../../../', import.meta.url);
const project = tempProject();
afterAll(() => project.cleanup());

describe('cgmigrate explain', () => {
  it('prints the section of docs/errors.md about a code', async () => {
    const run = await cgmigrate(['explain', 'LOCK_TIMEOUT'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['LOCK_TIMEOUT', '', expect.stringMatching(/^Message: `Could not take the migration lock within 300000 ms/)]);
    expect(run.stdout).toContain('Exit status: 1');
    expect(run.stdout).toContain('Cause: `upgrade`, `downgrade` and `stamp` hold a migration lock');
    expect(run.stdout).toContain('Fix: wait for the other run to finish');
    // Up to the next section, not into it.
    expect(run.stdout).not.toContain('LOCK_LOST');
  });

  it('reads the copy in the package, the same as the repository docs/errors.md', () => {
    const shipped = readFileSync(fileURLToPath(new URL('../../docs/errors.md', import.meta.url)), 'utf8');
    expect(shipped).toBe(readFileSync(fileURLToPath(new URL('docs/errors.md', REPO)), 'utf8'));
  });

  it('takes a code in lower case, and gives the Markdown with --json (docs/json/explain.schema.json)', async () => {
    const run = await cgmigrate(['explain', 'multiple_heads', '--json'], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(0);
    const document = run.json<{ code: string; markdown: string }>();
    expect(document.code).toBe('MULTIPLE_HEADS');
    expect(document.markdown).toMatch(/^\*\*Message:\*\* `Multiple head revisions are present/);
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('docs/json/explain.schema.json', REPO)), 'utf8')) as object;
    const validate = new Ajv({ strict: true }).compile(schema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it('refuses an unknown code with exit status 2, the closest code and the list of codes', async () => {
    const run = await cgmigrate(['explain', 'LOCK_TIMOUT'], { cwd: project.dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Error \[INVALID_ARGUMENTS\]: 'LOCK_TIMOUT' is not an error code of cgmigrate\. Did you mean LOCK_TIMEOUT\? Codes: MULTIPLE_HEADS, REVISION_NOT_FOUND, .*, LOCK_TIMEOUT, .*\.$/m);
    const json = await cgmigrate(['explain', 'NOPE', '--json'], { cwd: project.dir });
    expect(json.code).toBe(2);
    expect(json.json<ErrorJson>().error).toMatchObject({ code: 'INVALID_ARGUMENTS', exitCode: 2 });
  });

  it('is what the last line of an error names, and that line runs as printed', async () => {
    const failed = await cgmigrate(['upgrade', 'head', '--url', 'nosuchscheme://host/db'], { cwd: project.dir });
    expect(failed.code).toBe(2);
    const last = failed.stderr.trimEnd().split('\n').at(-1)!;
    const code = /^Error \[([A-Z_]+)\]/.exec(failed.stderr)![1]!;
    expect(last).toBe(`See: cgmigrate explain ${code}`);
    const explained = await cgmigrate(last.replace(/^See: cgmigrate /, '').split(' '), { cwd: project.dir });
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout.startsWith(`${code}\n\nMessage: `)).toBe(true);
  });

  it("is what `docs` of a --json error names, a command that works after a global install (no repository path)", async () => {
    const failed = await cgmigrate(['upgrade', 'head', '--url', 'nosuchscheme://host/db', '--json'], { cwd: project.dir });
    expect(failed.code).toBe(2);
    const { error } = failed.json<ErrorJson & { error: { docs: string } }>();
    expect(error.docs).toBe(`cgmigrate explain ${error.code}`);
    const explained = await cgmigrate(error.docs.replace(/^cgmigrate /, '').split(' '), { cwd: project.dir });
    expect(explained.code, explained.stderr).toBe(0);
    expect(explained.stdout.startsWith(`${error.code}\n\nMessage: `)).toBe(true);
  });
});

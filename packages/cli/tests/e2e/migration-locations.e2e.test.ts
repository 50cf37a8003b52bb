import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject, type ErrorJson, type RunResult } from './cli.js';

/**
 * An error inside a migration says where: `versions/<file>:<line>:<column>`, a path
 * relative to the working directory, under the message (human) and as `location`
 * (`--json`); the migration's stack frames only with `--verbose`. Whether the migration
 * ran as a script from the code cache, was imported (it has an `import`), or had its
 * types stripped first, the position is the file's own.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

const FIRST = `export default {
  revision: 'r001',
  downRevision: null,
  message: 'first',
  async up(op) {
    await op.execute('CREATE TABLE t_r001 (id INTEGER)');
  },
};
`;

/** A project whose second migration, `versions/<name>`, has `text`; SQLite. */
function project(name: string, text: string): string {
  const { dir, cleanup } = tempProject();
  cleanups.push(cleanup);
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', type: 'module' }));
  writeFileSync(path.join(dir, 'migrations', 'versions', 'r001.ts'), FIRST);
  writeFileSync(path.join(dir, 'migrations', 'versions', name), text);
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db' }));
  return dir;
}

/** Stack frames: lines that start with white space and `at ` and name a file or `node:`. */
const STACK_FRAME = /^\s+at .*(?:file:\/\/|node:)/m;

async function expectLocated(cwd: string, code: string, exit: number, location: string): Promise<{ human: RunResult; verbose: RunResult }> {
  const human = await cgmigrate(['upgrade', 'head'], { cwd });
  expect(human.code, human.stderr).toBe(exit);
  const lines = human.stderr.split('\n');
  const errorLine = lines.findIndex((line) => line.startsWith(`Error [${code}]: `));
  expect(errorLine, human.stderr).toBeGreaterThanOrEqual(0);
  expect(lines[errorLine + 1]).toBe(`Location: ${location}`);
  expect(human.stderr).not.toContain('file://');
  expect(human.stderr).not.toMatch(STACK_FRAME);

  const json = await cgmigrate(['upgrade', 'head', '--json'], { cwd });
  expect(json.code, json.stderr).toBe(exit);
  const { error } = json.json<ErrorJson>();
  expect(error.code).toBe(code);
  expect(error['location']).toBe(location);

  const verbose = await cgmigrate(['upgrade', 'head', '--verbose'], { cwd });
  expect(verbose.code, verbose.stderr).toBe(exit);
  expect(verbose.stderr).toContain(`Location: ${location}`);
  return { human, verbose };
}

describe('where a migration failed', () => {
  it('a syntax error in a .ts file: MALFORMED_MIGRATION at its line and column', async () => {
    const cwd = project(
      'r002.ts',
      `import type { MigrationContext } from '@cloudguard/migrate-core';
export default {
  revision: 'r002',
  downRevision: 'r001',
  async up(op: MigrationContext) {
    const x = ;
  },
};
`,
    );
    const { human } = await expectLocated(cwd, 'MALFORMED_MIGRATION', 2, 'migrations/versions/r002.ts:6:15');
    expect(human.stderr).toContain('Expression expected');
  }, 60_000);

  it('a syntax error in a .js file, which import() reports without a position: found by parsing the file', async () => {
    const cwd = project(
      'r002.js',
      `export default {
  revision: 'r002',
  downRevision: 'r001',
  async up(op) {
    await op.execute('SELECT 1');
    const x = ;
  },
};
`,
    );
    await expectLocated(cwd, 'MALFORMED_MIGRATION', 2, 'migrations/versions/r002.js:6:15');
  }, 60_000);

  it.each([
    ['run as a script (no import), types stripped', ''],
    ['imported (it imports a module)', "import { setTimeout as sleep } from 'node:timers/promises';\n"],
  ])('a TypeError thrown in up(), %s: MIGRATION_FAILED at the line that threw; --verbose adds the stack', async (_how, header) => {
    const offset = header === '' ? 0 : 1;
    const cwd = project(
      'r002.ts',
      `${header}interface Settings { readonly name: string }
export default {
  revision: 'r002',
  downRevision: 'r001',
  async up(op: { execute(sql: string): Promise<unknown> }) {
    await op.execute('CREATE TABLE t_r002 (id INTEGER)');
    const settings = undefined as unknown as Settings;
    await op.execute(settings.name);
  },
};
`,
    );
    const location = `migrations/versions/r002.ts:${8 + offset}:31`;
    const { human, verbose } = await expectLocated(cwd, 'MIGRATION_FAILED', 1, location);
    expect(human.stderr).toContain("failed: Cannot read properties of undefined (reading 'name')");
    // The migration's frames, its path as in the location; none of cgmigrate's, the driver's or Node's.
    const frames = verbose.stderr.split('\n').filter((line) => /^\s+at /.test(line));
    expect(frames).toEqual([`    at Object.up (${location})`]);
  }, 60_000);
});

import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fails, migrationFiles, MODES, tempProject } from './cli.js';

/** A project whose file template starts with the revision id, as Alembic's default `%(rev)s_%(slug)s`. */
function projectWithRevFirstTemplate(): ReturnType<typeof tempProject> & { versions: string } {
  const project = tempProject();
  writeFileSync(
    path.join(project.dir, 'cgmigrate.config.ts'),
    "export default { scriptLocation: 'migrations', fileTemplate: '%(rev)s_%(slug)s' };\n",
  );
  return { ...project, versions: path.join(project.dir, 'migrations', 'versions') };
}

describe('revision ids that would name a file the script directory skips', () => {
  const project = projectWithRevFirstTemplate();
  const cwd = project.dir;

  beforeAll(async () => {
    const init = await cgmigrate(['init'], { cwd });
    expect(init.code, init.stderr).toBe(0);
  });
  afterAll(() => project.cleanup());

  describe.each(MODES)('%s mode', (mode) => {
    it.each(['_a1', '.b2'])('--rev-id %s is refused before any file is written', async (id) => {
      const { message } = await fails(mode, ['revision', '-m', 'Create users', '--rev-id', id], cwd, {
        code: 'INVALID_REVISION_ID',
        exit: 2,
      });
      expect(message).toContain(`'${id}'`);
      expect(message).toContain(`"${id}_create_users.ts"`);
      expect(message).toContain(`starts with "${id[0]}"`);
      expect(message).toContain('skip');
      expect(message).toContain('starts with a letter or a digit');
      expect(migrationFiles(project.versions)).toEqual([]);
    });
  });

  it('the same id is accepted when the template does not put it first', async () => {
    const other = tempProject();
    try {
      writeFileSync(
        path.join(other.dir, 'cgmigrate.config.ts'),
        "export default { scriptLocation: 'migrations', fileTemplate: 'm%(rev)s_%(slug)s' };\n",
      );
      expect((await cgmigrate(['init'], { cwd: other.dir })).code).toBe(0);
      const created = await cgmigrate(['revision', '-m', 'Create users', '--rev-id', '_a1'], { cwd: other.dir });
      expect(created.code, created.stderr).toBe(0);
      const history = await cgmigrate(['history'], { cwd: other.dir });
      expect(history.stdout).toContain('_a1');
    } finally {
      other.cleanup();
    }
  });
});

describe('files in versions/ that are skipped are named in a warning', () => {
  const project = projectWithRevFirstTemplate();
  const cwd = project.dir;
  let planted = '';

  beforeAll(async () => {
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
    const one = await cgmigrate(['revision', '-m', 'Create users', '--rev-id', 'a1'], { cwd });
    expect(one.code, one.stderr).toBe(0);
    planted = path.join(project.versions, '_x.ts');
    writeFileSync(planted, "export default { revision: 'x1', downRevision: 'a1', async up() {} };\n");
    // Skipped without a word, each for a documented reason: a declaration, a test, notes.
    writeFileSync(path.join(project.versions, 'a1_create_users.d.ts'), 'export {};\n');
    writeFileSync(path.join(project.versions, 'a1_create_users.test.ts'), 'export {};\n');
    writeFileSync(path.join(project.versions, 'README.md'), '# notes\n');
  });
  afterAll(() => project.cleanup());

  it.each([['history'], ['heads'], ['upgrade', 'head', '--sql'], ['current'], ['upgrade', 'head']])(
    '%s warns once about _x.ts, and only about it',
    async (...args) => {
      const run = await cgmigrate(args, { cwd });
      expect(run.code, run.stderr).toBe(0);
      const warnings = run.stderr.split('\n').filter((line) => line.startsWith('Warning: '));
      expect(warnings).toEqual([
        `Warning: Skipped ${planted}: its name starts with "_", so it is not read as a migration; ` +
          'rename it if it is one, or move it out of versions/',
      ]);
    },
  );

  it('with --json the warning is on stderr and stdout stays one JSON document', async () => {
    const run = await cgmigrate(['history', '--json'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.json<{ revisions: { id: string }[] }>().revisions.map((r) => r.id)).toEqual(['a1']);
    expect(run.stderr).toContain(`Warning: Skipped ${planted}: its name starts with "_"`);
  });

  it('--quiet keeps the warning', async () => {
    const run = await cgmigrate(['history', '--quiet'], { cwd });
    expect(run.stderr).toContain(`Skipped ${planted}`);
  });

  it('a CommonJS file is named with its reason', async () => {
    const cjs = path.join(project.versions, 'b2_more.cjs');
    writeFileSync(cjs, 'module.exports = {};\n');
    try {
      const run = await cgmigrate(['history'], { cwd });
      expect(run.stderr).toContain(`Warning: Skipped ${cjs}: its extension is not one that is read as a migration (.ts, .mts, .js, .mjs)`);
    } finally {
      rmSync(cjs);
    }
  });
});

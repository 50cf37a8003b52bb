/**
 * docs/autogenerate.md on an SQLite project: its `cgmigrate.config.ts`, used as written with
 * the entities in `src/db/entities.ts`, and its commands, run before and after the entity
 * changes: `check` passes, then reports the drift (also as JSON), autogenerate writes the
 * migration that removes it, and `--allow-empty` writes a file when nothing differs.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksRunBy, docProject, shellCommands, testPath } from './doc-shell.js';

const DOC = 'docs/autogenerate.md';
const [config, commands] = blocksRunBy(DOC, testPath(import.meta.url));
const project = docProject();
afterAll(() => project.cleanup());

/** The service's entities: a user, and with `age` the change the document makes. */
function writeEntities(age: boolean): void {
  mkdirSync(path.join(project.dir, 'src/db'), { recursive: true });
  writeFileSync(
    path.join(project.dir, 'src/db/entities.ts'),
    "import { defineEntity, p } from '@mikro-orm/core';\n\n" +
      `export const User = defineEntity({ name: 'User', properties: { id: p.integer().primary(), name: p.string()${age ? ', age: p.integer().nullable()' : ''} } });\n\n` +
      'export const entities = [User];\n',
  );
}

const migrations = () => readdirSync(path.join(project.dir, 'migrations/versions')).filter((name) => name.endsWith('.ts')).sort();

describe(DOC, () => {
  const [check, checkJson, autogenerate, allowEmpty] = shellCommands(commands!);

  it('takes the config file as written, with the entities the service gives MikroORM', async () => {
    expect(config!.body.startsWith('// cgmigrate.config.ts\n')).toBe(true);
    expect([check, checkJson, autogenerate, allowEmpty]).toEqual([
      'cgmigrate check',
      'cgmigrate check --json',
      'cgmigrate revision --autogenerate -m "Add age"',
      'cgmigrate revision --autogenerate -m "…" --allow-empty',
    ]);
    project.linkNodeModules();
    writeFileSync(path.join(project.dir, 'cgmigrate.config.ts'), config!.body);
    writeEntities(false);
    // The project's first migration, written and applied the same way.
    const first = await project.sh('cgmigrate init && cgmigrate revision --autogenerate -m "Create user" && cgmigrate upgrade head');
    expect(first.code, first.stderr).toBe(0);
  });

  it('`check` exits 0 when the entities and the schema agree, with the same facts as JSON', async () => {
    expect(await project.sh(check!)).toMatchObject({ code: 0, stdout: '' });
    const json = await project.sh(checkJson!);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, problems: [] });
  });

  it('`check` exits 1 with one line per difference once the entity changes; JSON says SCHEMA_DRIFT', async () => {
    writeEntities(true);
    const text = await project.sh(check!);
    expect(text.code).toBe(1);
    expect(text.stdout.trimEnd().split('\n')).toHaveLength(1);
    const json = await project.sh(checkJson!);
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout) as { problems: { code: string }[]; drift: unknown[] };
    expect(document.problems.map((problem) => problem.code)).toEqual(['SCHEMA_DRIFT']);
    expect(document.drift.length).toBeGreaterThan(0);
  });

  it('autogenerate writes …_add_age.ts, printing the difference in Alembic\'s words', async () => {
    const ran = await project.sh(autogenerate!);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stderr).toContain("Detected added column 'user.age': integer null");
    expect(ran.stdout.trim()).toMatch(/migrations\/versions\/\d{8}_[0-9a-f]{12}_add_age\.ts$/);
    expect((await project.sh('cgmigrate upgrade head && cgmigrate check')).code).toBe(0);
  });

  it('--allow-empty writes a file when nothing differs', async () => {
    const before = migrations();
    const ran = await project.sh(allowEmpty!);
    expect(ran.code, ran.stderr).toBe(0);
    expect(migrations()).toHaveLength(before.length + 1);
  });
});

/**
 * docs/mikro-orm.md, "Autogenerate in MikroORM's format", on an SQLite project: its
 * commands run as written once the entities gain a column, and the class it shows is the
 * file the first of them writes (its timestamp and revision id aside, which differ each run).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksRunBy, docProject, shellSteps, testPath } from './doc-shell.js';

const DOC = 'docs/mikro-orm.md';
const [commands, example] = blocksRunBy(DOC, testPath(import.meta.url));
const project = docProject();
afterAll(() => project.cleanup());

/** The service's entities: scans, with `durationMs` the change the document makes. */
function writeEntities(duration: boolean): void {
  writeFileSync(
    path.join(project.dir, 'entities.ts'),
    "import { defineEntity, p } from '@mikro-orm/core';\n\n" +
      "export const Scan = defineEntity({ name: 'Scan', properties: { id: p.integer().primary(), target: p.string()" +
      `${duration ? ', durationMs: p.integer().nullable()' : ''} } });\n\n` +
      'export const entities = [Scan];\n',
  );
}

/** A file name of the document's comments, its timestamp as a pattern. */
function namePattern(comment: string): RegExp {
  const name = /Migration\d{14}\w*\.ts/.exec(comment)?.[0];
  expect(name, comment).toBeDefined();
  return new RegExp(`^${name!.replace(/\d{14}/, '\\d{14}').replace('.', '\\.')}$`);
}

describe(DOC, () => {
  const steps = shellSteps(commands!);

  it('runs the commands as written: a class from the difference, a blank one, history and upgrade read them', async () => {
    expect(steps.map((step) => step.command)).toEqual([
      'cgmigrate revision --autogenerate --format mikro-orm -m "Add scan duration"',
      'cgmigrate revision --format mikro-orm',
      'cgmigrate history',
      'cgmigrate upgrade head',
    ]);
    project.linkNodeModules();
    writeFileSync(path.join(project.dir, 'cgmigrate.config.ts'), "import { entities } from './entities.ts';\n\nexport default { entities };\n");
    writeEntities(false);
    // The revision the document's class revises, written and applied in cgmigrate's format.
    const first = await project.sh('cgmigrate init && cgmigrate revision --autogenerate -m "Create scans" --rev-id 9a8b7c6d5e4f && cgmigrate upgrade head');
    expect(first.code, first.stderr).toBe(0);
    writeEntities(true);

    const [autogenerate, blank, history, upgrade] = await project.run(commands!);
    const written = autogenerate!.stdout.trim();
    expect(path.relative(project.dir, written)).toMatch(/^migrations\/versions\//);
    expect(path.basename(written)).toMatch(namePattern(steps[0]!.comments.join(' ')));
    expect(path.basename(blank!.stdout.trim())).toMatch(namePattern(steps[1]!.comments.join(' ')));
    expect(readFileSync(blank!.stdout.trim(), 'utf8')).toContain('this.addSql(`select 1`);');

    // The document's class, with this run's timestamp and revision id.
    const source = readFileSync(written, 'utf8');
    const className = path.basename(written, '.ts');
    const id = /static revision = '(\w+)';/.exec(source)![1]!;
    expect(source.replaceAll(className, 'Migration20241116093000_add_scan_duration').replace(`'${id}'`, "'1f0c3a9b2d4e'")).toBe(example!.body);

    const blankClass = path.basename(blank!.stdout.trim(), '.ts');
    expect(history!.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${id} -> \\w+ \\(head\\), ${blankClass}$`)),
      `9a8b7c6d5e4f -> ${id}, Add scan duration`,
      '<base> -> 9a8b7c6d5e4f, Create scans',
    ]);
    expect(upgrade!.stderr).toContain(`Running upgrade 9a8b7c6d5e4f -> ${id}, Add scan duration`);
    expect(readdirSync(path.join(project.dir, 'migrations/versions')).filter((name) => name.endsWith('.ts'))).toHaveLength(3);
  }, 60_000);
});

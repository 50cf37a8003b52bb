/**
 * The error output docs/errors.md shows, produced for real: two heads for `upgrade head`,
 * and a migration with a syntax error. Each line shown is the line the CLI prints at that
 * place, `…` standing for the rest of it and the project's folder for `/srv/app`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blocksRunBy, docProject, testPath, type DocProject, type FencedBlock } from './doc-shell.js';

const [multipleHeads, malformed] = blocksRunBy('docs/errors.md', testPath(import.meta.url));
const projects: DocProject[] = [];
afterAll(() => projects.forEach((project) => project.cleanup()));

/** A project whose versions folder holds `files` (name → source). */
function projectWith(files: Record<string, string>): DocProject {
  const project = docProject();
  projects.push(project);
  mkdirSync(path.join(project.dir, 'migrations/versions'), { recursive: true });
  for (const [name, source] of Object.entries(files)) writeFileSync(path.join(project.dir, 'migrations/versions', name), source);
  return project;
}

/** Checks that the block's lines begin what `stderr` holds, line by line. */
function expectShownLines(block: FencedBlock, stderr: string, project: DocProject): void {
  const printed = stderr.split('\n');
  block.body
    .trimEnd()
    .split('\n')
    .forEach((shown, index) => {
      const pattern = shown
        .replaceAll('/srv/app', project.dir)
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*');
      expect(printed[index], `${block.file}:${block.line + 1 + index}`).toMatch(new RegExp(`^${pattern}$`));
    });
}

const migration = (id: string, body = '') =>
  `export default {\n  revision: '${id}',\n  downRevision: null,\n  message: 'scans',\n  async up(op) {\n${body}  },\n};\n`;

describe('docs/errors.md', () => {
  it('shows what `upgrade head` prints with two heads', async () => {
    const project = projectWith({ '27c6a30d7c24.ts': migration('27c6a30d7c24'), 'ae1027a6acf.ts': migration('ae1027a6acf') });
    const run = await project.sh('cgmigrate upgrade head');
    expect(run.code).toBe(2);
    expectShownLines(multipleHeads!, run.stderr, project);
  });

  it('shows the message and the location of a syntax error in a migration', async () => {
    // Line 6, column 15: the expression missing after `=`.
    const project = projectWith({ 'b2_scans.ts': migration('b2', '    const x = ;\n') });
    const run = await project.sh('cgmigrate upgrade head');
    expect(run.code).toBe(2);
    expectShownLines(malformed!, run.stderr, project);
  });
});

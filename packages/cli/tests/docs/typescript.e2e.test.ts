/**
 * The service and config snippets of README.md, docs/api.md and docs/autogenerate.md:
 * typechecked with the repository's TypeScript against the built packages, and the service
 * snippets then run by Node in an SQLite project, where they migrate its database.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { testMigrationSource, versionRows } from '../e2e/cli.js';
import { blocksRunBy, docProject, testPath, type DocProject, type FencedBlock } from './doc-shell.js';

const TEST = testPath(import.meta.url);
const [readmeService] = blocksRunBy('README.md', TEST);
const [apiStartUp, apiSignal] = blocksRunBy('docs/api.md', TEST);
const [excludeTables, postWriteHooks] = blocksRunBy('docs/autogenerate.md', TEST);

/** What the text around the snippets gives them: the service's logger, the config's entities. */
const GIVEN = `
/** README.md: the service's logger. */
declare const logger: import('@cloudguard/migrate-core').MigrationLogger;
/** docs/api.md: the service's logger. */
declare const log: { info(line: string): void; warn(line: string): void };
/** docs/autogenerate.md: the entities imported at the top of cgmigrate.config.ts, and its type. */
declare const entities: NonNullable<import('@cloudguard/migrate-core').MigrateConfig['entities']>;
type MigrateConfig = import('@cloudguard/migrate-core').MigrateConfig;
`;

const projects: DocProject[] = [];
afterAll(() => projects.forEach((project) => project.cleanup()));

/** A project with one migration, `a1`, which creates `accounts`, and the packages in node_modules. */
function serviceProject(): DocProject {
  const project = docProject();
  projects.push(project);
  project.linkNodeModules();
  mkdirSync(path.join(project.dir, 'migrations/versions'), { recursive: true });
  const up = "    await op.execute('CREATE TABLE accounts (id INTEGER PRIMARY KEY)');";
  writeFileSync(path.join(project.dir, 'migrations/versions/a1.ts'), testMigrationSource({ id: 'a1', parent: null, up }));
  return project;
}

/** Runs a snippet as `service.ts` with Node in a fresh project, after `prelude` and before `epilogue`. */
async function runService(block: FencedBlock, prelude: string, epilogue = ''): Promise<{ project: DocProject; stdout: string }> {
  const project = serviceProject();
  writeFileSync(path.join(project.dir, 'service.ts'), `${prelude}\n${block.body}${epilogue}`);
  const ran = await project.sh('node service.ts');
  expect(ran.code, `${block.file}:${block.line}\n${ran.stderr}`).toBe(0);
  return { project, stdout: ran.stdout };
}

describe('TypeScript snippets of the documentation', () => {
  it('typecheck against the built packages', async () => {
    expect([readmeService, apiStartUp, apiSignal, excludeTables, postWriteHooks].every(Boolean)).toBe(true);
    const errors = await typecheckSnippets(
      [readmeService!, apiStartUp!, apiSignal!, excludeTables!, postWriteHooks!].map((block) => ({ block })),
      GIVEN,
    );
    expect(errors).toEqual([]);
  }, 60_000);

  it('README.md: the service upgrades its database, finds nothing pending and reads the history', async () => {
    const { project, stdout } = await runService(
      readmeService!,
      'const logger = { info: (line: string) => console.log(line) };',
      'console.log(JSON.stringify(history.revisions.map((revision) => [revision.id, revision.appliedAt instanceof Date])));\n',
    );
    expect(stdout).toBe('Running upgrade  -> a1, migration a1\n[["a1",true]]\n');
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual(['a1']);
  });

  it('docs/api.md: migrates at start-up with a logger, then reads the history over one connection', async () => {
    const { project, stdout } = await runService(
      apiStartUp!,
      'const log = { info: (line: string) => console.log(line), warn: (line: string) => console.log(`warn: ${line}`) };',
      'console.log(JSON.stringify(revisions.map((revision) => [revision.id, revision.appliedAt instanceof Date])));\n',
    );
    expect(stdout).toBe('Running upgrade  -> a1, migration a1\n[["a1",true]]\n');
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual(['a1']);
  });

  it('docs/api.md: upgrades with an AbortSignal and a step timeout, and removes its listener', async () => {
    const { project } = await runService(apiSignal!, '', "console.log(process.listenerCount('unhandledRejection'));\n");
    expect(versionRows(path.join(project.dir, 'cloudguard.db'))).toEqual(['a1']);
  });
});

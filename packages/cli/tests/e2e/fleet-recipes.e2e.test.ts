/**
 * The recipes of docs/fleets.md, run in their local form on SQLite tenant files with the
 * built CLI as `cgmigrate` on PATH: the first run (a failure, the status matrix, the
 * resume), the Kubernetes Indexed Job (its own command line, once per index, all at once)
 * and its one-machine loop, each tenant at head and touched by exactly one shard; the
 * config's `targets` function and the API example, typechecked, and the API example run by
 * Node. Every report and status document is checked against docs/json.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { REPO_ROOT } from '../../../../tools/docs/fenced-blocks.js';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { blocksRunBy, docProject, shellSteps, testPath, type DocProject, type FencedBlock, type ShellRun } from '../docs/doc-shell.js';
import { testMigrationSource, versionRows } from './cli.js';

const DOC = 'docs/fleets.md';
const [firstRun, configTargets, indexedJob, indexedJobLoop, apiExample] = blocksRunBy(DOC, testPath(import.meta.url));

const SCHEMAS = path.join(REPO_ROOT, 'docs/json');
const ajv = new Ajv({ allErrors: true, strict: true });
for (const file of readdirSync(SCHEMAS).filter((name) => name.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as object);
}

/** Asserts that a document is valid against docs/json/<name>.schema.json, and returns it. */
function valid<T>(document: unknown, name: 'fleet-report' | 'fleet-status'): T {
  const validate = ajv.getSchema(`https://cgmigrate.local/json/${name}.schema.json`)!;
  expect(validate(document), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(document, null, 2)}`).toBe(true);
  return document as T;
}

interface Report {
  readonly shard?: string;
  readonly summary: { readonly total: number; readonly succeeded: number; readonly failed: number };
  readonly targets: readonly { readonly name: string; readonly status: string; readonly revisions?: readonly string[]; readonly error?: { readonly code: string } }[];
}

const projects: DocProject[] = [];
afterAll(() => projects.forEach((project) => project.cleanup()));

/** A project with migrations a1 (accounts) and b2 (scans), and an empty SQLite file per tenant in `tenants/`. */
function fleetProject(tenants: readonly string[]): DocProject {
  const project = docProject();
  projects.push(project);
  const versions = path.join(project.dir, 'migrations/versions');
  mkdirSync(versions, { recursive: true });
  for (const [id, parent, table] of [['a1', null, 'accounts'], ['b2', 'a1', 'scans']] as const) {
    const up = `    await op.execute('CREATE TABLE ${table} (id INTEGER)');`;
    writeFileSync(path.join(versions, `${id}.ts`), testMigrationSource({ id, parent, up, down: ` await op.execute('DROP TABLE ${table}'); ` }));
  }
  mkdirSync(path.join(project.dir, 'tenants'));
  for (const tenant of tenants) new DatabaseSync(tenantFile(project, tenant)).close();
  return project;
}

const tenantFile = (project: DocProject, tenant: string): string => path.join(project.dir, 'tenants', `${tenant}.db`);

function sql(project: DocProject, tenant: string, statement: string): void {
  const db = new DatabaseSync(tenantFile(project, tenant));
  try {
    db.exec(statement);
  } finally {
    db.close();
  }
}

/**
 * Asserts that every output line the document shows under a command is a line the command
 * printed (stdout or stderr, in any order: targets end in any order), `…` standing for any
 * text and each duration for any duration.
 */
function expectShownOutput(block: FencedBlock, command: string, run: ShellRun): void {
  const printed = `${run.stdout}\n${run.stderr}`.split('\n').map((line) => line.trim());
  const step = shellSteps(block).find((candidate) => candidate.command === command)!;
  for (const shown of step.comments.filter((line) => line !== '')) {
    const pattern = shown
      .split('…')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\d+ ms/g, '[\\d.]+ m?s'))
      .join('.*');
    expect(printed, `${block.file}:${block.line}: \`${command}\` printed no line like\n${shown}\n${run.stdout}${run.stderr}`).toContainEqual(
      expect.stringMatching(new RegExp(`^${pattern}$`)),
    );
  }
}

/** The tenants a set of shard reports ran, each name with the shards that ran it. */
function shardsOf(reports: readonly Report[]): Map<string, string[]> {
  const shards = new Map<string, string[]>();
  for (const report of reports) {
    for (const target of report.targets) shards.set(target.name, [...(shards.get(target.name) ?? []), report.shard ?? '?']);
  }
  return shards;
}

const TWELVE = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'tyrell', 'cyberdyne', 'soylent', 'vandelay'];

/** Every tenant at b2, and each run by exactly one of the N shards, each shard reporting its own I/N. */
function expectShardedRun(project: DocProject, reports: readonly Report[], count: number): void {
  expect(reports.map((report) => report.shard)).toEqual(Array.from({ length: count }, (_, index) => `${index + 1}/${count}`));
  const shards = shardsOf(reports);
  expect([...shards.keys()].sort()).toEqual(TWELVE.map((tenant) => `tenants/${tenant}.db`).sort());
  for (const [name, ranBy] of shards) expect(ranBy, name).toHaveLength(1);
  for (const report of reports) {
    expect(report.summary.failed).toBe(0);
    expect(report.summary.succeeded).toBe(report.summary.total);
    // Balanced enough that no shard sits idle: 12 names over 4 shards.
    expect(report.summary.total).toBeGreaterThan(0);
  }
  for (const tenant of TWELVE) expect(versionRows(tenantFile(project, tenant)), tenant).toEqual(['b2']);
}

describe('docs/fleets.md', () => {
  it('has the blocks this test runs', () => {
    expect([firstRun, configTargets, indexedJob, indexedJobLoop, apiExample].map((block) => block?.info)).toEqual(['bash', 'ts', 'yaml', 'bash', 'ts']);
  });

  it('a first run: one tenant fails, the status shows it, --only-failed runs only it', async () => {
    const project = fleetProject(['acme', 'globex', 'initech']);
    sql(project, 'globex', 'CREATE TABLE scans (id INTEGER)');
    const [upgrade, status, resume] = shellSteps(firstRun!).map((step) => step.command);
    expect(resume).toContain('--only-failed first.json');

    const first = await project.sh(upgrade!);
    expect(first.code, first.stderr).toBe(1);
    expectShownOutput(firstRun!, upgrade!, first);
    expect(statSync(path.join(project.dir, 'first.json')).mode & 0o777).toBe(0o600);
    const report = valid<Report>(JSON.parse(readFileSync(path.join(project.dir, 'first.json'), 'utf8')), 'fleet-report');
    expect(report.targets.map((target) => [target.name, target.status, target.error?.code])).toEqual([
      ['tenants/acme.db', 'succeeded', undefined],
      ['tenants/globex.db', 'failed', 'MIGRATION_FAILED'],
      ['tenants/initech.db', 'succeeded', undefined],
    ]);
    // Rolled back whole: not even the version table stayed.
    expect(versionRows(tenantFile(project, 'globex'))).toBeUndefined();

    const matrix = await project.sh(status!);
    expect(matrix.code, matrix.stderr).toBe(1);
    expectShownOutput(firstRun!, status!, matrix);
    const statusJson = await project.sh(`${status!} --json`);
    const document = valid<{ behind: string[]; failedLastTime: string[] }>(JSON.parse(statusJson.stdout), 'fleet-status');
    expect(document).toMatchObject({ behind: ['tenants/globex.db'], failedLastTime: ['tenants/globex.db'] });

    sql(project, 'globex', 'DROP TABLE scans');
    const resumed = await project.sh(resume!);
    expect(resumed.code, resumed.stderr).toBe(0);
    expectShownOutput(firstRun!, resume!, resumed);
    const second = valid<Report>(JSON.parse(readFileSync(path.join(project.dir, 'second.json'), 'utf8')), 'fleet-report');
    expect(second.targets.map((target) => [target.name, target.status])).toEqual([['tenants/globex.db', 'succeeded']]);
    for (const tenant of ['acme', 'globex', 'initech']) expect(versionRows(tenantFile(project, tenant)), tenant).toEqual(['b2']);
    const after = await project.sh('cgmigrate fleet status --targets \'sqlite:///tenants/*.db\' --json');
    expect(after.code, after.stderr).toBe(0);
    expect(valid<{ behind: string[] }>(JSON.parse(after.stdout), 'fleet-status').behind).toEqual([]);
  }, 120_000);

  it('the Kubernetes Indexed Job: its command line, once per JOB_COMPLETION_INDEX, all at once', async () => {
    const job = parseYaml(indexedJob!.body) as {
      spec: {
        completionMode: string;
        completions: number;
        parallelism: number;
        template: { spec: { containers: { command: string[]; args: string[]; env: { name: string; value: string }[] }[] } };
      };
    };
    expect(job.spec.completionMode).toBe('Indexed');
    const [container] = job.spec.template.spec.containers;
    const env = Object.fromEntries(container!.env.map(({ name, value }) => [name, value]));
    const shards = Number(env['SHARDS']);
    expect(job.spec.completions).toBe(shards);
    expect(job.spec.parallelism).toBe(shards);
    expect(container!.command).toEqual(['sh', '-c']);
    const [script] = container!.args;
    expect(script).toContain('--shard "$((JOB_COMPLETION_INDEX + 1))/$SHARDS"');

    const project = fleetProject(TWELVE);
    const pods = await Promise.all(
      Array.from({ length: shards }, (_, index) =>
        project.sh(`${script!}`, { env: { ...env, TARGETS: 'sqlite:///tenants/*.db', JOB_COMPLETION_INDEX: String(index) } }),
      ),
    );
    for (const pod of pods) expect(pod.code, pod.stderr).toBe(0);
    const reports = pods.map((pod) => valid<Report>(JSON.parse(pod.stdout), 'fleet-report'));
    expectShardedRun(project, reports, shards);
  }, 120_000);

  it('the Indexed Job on one machine: the loop of four shards', async () => {
    const project = fleetProject(TWELVE);
    const loop = await project.sh(indexedJobLoop!.body);
    expect(loop.code, loop.stderr).toBe(0);
    const reports = [0, 1, 2, 3].map((index) =>
      valid<Report>(JSON.parse(readFileSync(path.join(project.dir, `shard-${index}.json`), 'utf8')), 'fleet-report'),
    );
    expectShardedRun(project, reports, 4);
  }, 120_000);

  it('the config targets function and the API example typecheck against the built packages', async () => {
    const given = `
/** docs/fleets.md: the service's registry of tenants. */
declare function listTenants(): Promise<{ slug: string; schema: string }[]>;
`;
    const errors = await typecheckSnippets([{ block: configTargets! }, { block: apiExample! }], given);
    expect(errors).toEqual([]);
  }, 60_000);

  it('the API example upgrades the tenants and reads the status', async () => {
    const project = fleetProject(['acme', 'globex', 'initech']);
    project.linkNodeModules();
    writeFileSync(path.join(project.dir, 'fleet.ts'), apiExample!.body);
    const ran = await project.sh('node fleet.ts');
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('3 of 3 tenants upgraded\nbehind: 0, failed last time: 0\n');
    for (const tenant of ['acme', 'globex', 'initech']) expect(versionRows(tenantFile(project, tenant)), tenant).toEqual(['b2']);
  }, 60_000);
});

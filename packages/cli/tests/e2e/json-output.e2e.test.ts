/**
 * Every read command's --json document against its documented JSON Schema
 * (docs/json/*.schema.json), on a small branched SQLite project in several states.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fillMigration, tempProject, type RunResult } from './cli.js';

const SCHEMAS = fileURLToPath(new URL('../../../../docs/json/', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: true });
for (const file of readdirSync(SCHEMAS).filter((name) => name.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')) as object);
}
function schema(name: string): ValidateFunction {
  const validate = ajv.getSchema(`https://cgmigrate.local/json/${name}.schema.json`);
  if (!validate) throw new Error(`docs/json/${name}.schema.json is missing`);
  return validate;
}

/** Asserts that a run printed a document valid against a schema, and returns it. */
function valid(run: RunResult, name: string): Record<string, unknown> {
  const document = run.json();
  const validate = schema(name);
  expect(validate(document), `${name}: ${ajv.errorsText(validate.errors)}\n${run.stdout}`).toBe(true);
  return document;
}

const project = tempProject();
const cwd = project.dir;
const run = (args: string[]) => cgmigrate(args, { cwd });

beforeAll(async () => {
  // a1 ─┬─ b2 ── d4 (depends on c3) ─┐
  //     └─ c3 (reporting) ───────────┴─ e5 (merge)
  expect((await run(['init', '-q'])).code).toBe(0);
  const add = async (args: string[], table: string) => {
    const created = await run(['revision', '-q', ...args]);
    expect(created.code, created.stderr).toBe(0);
    fillMigration(created.stdout.trim(), table);
  };
  await add(['-m', 'Create accounts', '--rev-id', 'a1'], 'accounts');
  await add(['-m', 'Create scans', '--rev-id', 'b2'], 'scans');
  await add(['-m', 'Reporting', '--rev-id', 'c3', '--head', 'a1', '--splice', '--branch-label', 'reporting'], 'reports');
  await add(['-m', 'Alerts', '--rev-id', 'd4', '--head', 'b2', '--depends-on', 'c3'], 'alerts');
  expect((await run(['upgrade', '-q', 'a1'])).code).toBe(0);
}, 60_000);
afterAll(() => project.cleanup());

describe('--json documents match docs/json schemas', () => {
  it('with two heads and the database at the branch point', async () => {
    const current = valid(await run(['current', '--json']), 'current');
    expect(current['revisions']).toMatchObject([{ id: 'a1', isBranchPoint: true, nextRevisions: ['b2', 'c3'] }]);

    const heads = valid(await run(['heads', '--json']), 'heads');
    expect((heads['revisions'] as { id: string }[]).map((r) => r.id).sort()).toEqual(['c3', 'd4']);
    expect(heads['effectiveHeads']).toEqual(['c3']);
    valid(await run(['heads', '--resolve-dependencies', '--json']), 'heads');
    const unmerged = await run(['heads', '--check', '--json']);
    expect(unmerged.code).toBe(1);
    const unexpected = valid(unmerged, 'error')['error'] as { code: string; extraHeads: string[] };
    expect(unexpected.code).toBe('UNEXPECTED_HEADS');
    expect([...unexpected.extraHeads].sort()).toEqual(['c3', 'd4']);

    const branches = valid(await run(['branches', '--json']), 'branches');
    expect((branches['revisions'] as { id: string }[]).map((r) => r.id)).toEqual(['a1']);

    for (const args of [[], ['--indicate-current'], ['--verbose'], ['-r', 'current:'], ['-r', 'a1:d4']]) {
      valid(await run(['history', ...args, '--json']), 'history');
    }
    const history = valid(await run(['history', '--verbose', '--indicate-current', '--json']), 'history');
    expect(history['current']).toEqual(['a1']);
    expect((history['revisions'] as { id: string; appliedAt?: string }[]).find((r) => r.id === 'a1')?.appliedAt).toMatch(/Z$/);

    for (const name of ['a1', 'reporting', 'heads', 'current', 'd4', 'reporting@head']) valid(await run(['show', name, '--json']), 'show');

    const behind = await run(['check', '--json']);
    expect(behind.code).toBe(1);
    const check = valid(behind, 'check');
    expect(check).toMatchObject({ ok: false, current: ['a1'], pending: ['c3', 'b2', 'd4'] });
    expect(check['problems']).toEqual([expect.objectContaining({ code: 'DB_NOT_UP_TO_DATE', pending: ['c3', 'b2', 'd4'] })]);
  });

  it('after a merge, at head, and with an edited migration', async () => {
    expect((await run(['upgrade', '-q', 'heads'])).code).toBe(0);
    const merged = await run(['merge', '-q', 'c3', 'd4', '-m', 'Merge reporting', '--rev-id', 'e5']);
    expect(merged.code, merged.stderr).toBe(0);
    expect((await run(['upgrade', '-q', 'head'])).code).toBe(0);

    const current = valid(await run(['current', '--json']), 'current');
    expect(current['revisions']).toMatchObject([{ id: 'e5', isHead: true, isMergePoint: true, downRevisions: ['c3', 'd4'] }]);
    valid(await run(['heads', '--json']), 'heads');
    expect(valid(await run(['heads', '--check', '--json']), 'heads')['check']).toMatchObject({ ok: true, extra: [] });
    valid(await run(['branches', '--json']), 'branches');
    valid(await run(['history', '--verbose', '--json']), 'history');
    valid(await run(['show', 'e5', '--json']), 'show');

    const clean = await run(['check', '--json']);
    expect(clean.code).toBe(0);
    expect(valid(clean, 'check')).toMatchObject({ ok: true, problems: [], edited: [], drift: null });

    const file = readdirSync(path.join(cwd, 'migrations/versions')).find((name) => name.includes('_b2_'))!;
    appendFileSync(path.join(cwd, 'migrations/versions', file), '// edited after it ran\n');
    const edited = await run(['check', '--json']);
    expect(edited.code).toBe(1);
    const check = valid(edited, 'check');
    expect(check['problems']).toEqual([expect.objectContaining({ code: 'MIGRATION_EDITED', revision: 'b2' })]);

    // Accepted, then edited again: history --verbose carries the acceptance, check's problem the accepted checksum.
    expect((await run(['audit', 'accept', 'b2', '--reason', 'a comment', '-q'])).code).toBe(0);
    const history = valid(await run(['history', '--verbose', '--json']), 'history') as { revisions: { id: string; acceptedEdit?: unknown }[] };
    expect(history.revisions.find((rev) => rev.id === 'b2')?.acceptedEdit).toMatchObject({ reason: 'a comment' });
    appendFileSync(path.join(cwd, 'migrations/versions', file), '// and again\n');
    const again = valid(await run(['check', '--json']), 'check');
    expect(again['problems']).toEqual([expect.objectContaining({ code: 'MIGRATION_EDITED', revision: 'b2', accepted: expect.objectContaining({ reason: 'a comment' }) })]);
    expect(again['edited']).toEqual([expect.objectContaining({ accepted: expect.objectContaining({ reason: 'a comment' }) })]);
  });

  it('errors have the documented error shape', async () => {
    const failed = await run(['show', 'zz', '--json']);
    expect(failed.code).toBe(2);
    expect(valid(failed, 'error')).toMatchObject({ error: { code: 'REVISION_NOT_FOUND', exitCode: 2 } });
  });

  it.each([
    ['the fast entry', {}],
    ['oclif', { CGMIGRATE_NO_FAST_PATH: '1' }],
  ])('errors through %s carry only documented fields: no oclif internals', async (_entry, env) => {
    for (const [args, code] of [
      [['upgrade', 'zz', '--json'], 'REVISION_NOT_FOUND'],
      [['upgrade', 'head', 'extra', '--json'], 'INVALID_ARGUMENTS'],
      [['current', '--url', 'nourl', '--json'], 'INVALID_URL'],
    ] as const) {
      const failed = await cgmigrate(args, { cwd, env });
      const document = valid(failed, 'error');
      expect(document['error']).toMatchObject({ code, exitCode: failed.code });
      expect(document['error']).not.toHaveProperty('oclif');
    }
  });

  it('durations are whole milliseconds, in the JSON result as on screen', async () => {
    const ahead = tempProject();
    try {
      const at = (args: string[]) => cgmigrate(args, { cwd: ahead.dir });
      expect((await at(['init', '-q'])).code).toBe(0);
      for (const table of ['a', 'b']) fillMigration((await at(['revision', '-q', '-m', `Create ${table}`])).stdout.trim(), table);
      const up = await at(['upgrade', 'head', '--json']);
      expect(up.code, up.stderr).toBe(0);
      const steps = up.json<{ steps: { durationMs: number }[] }>().steps;
      expect(steps).toHaveLength(2);
      for (const step of steps) expect(Number.isInteger(step.durationMs), String(step.durationMs)).toBe(true);
    } finally {
      ahead.cleanup();
    }
  });

  it('the schemas refuse what they do not document', () => {
    const revision = { id: 'a1', downRevisions: [], nextRevisions: [], dependsOn: [], branchLabels: [], isHead: true, isEffectiveHead: false, isBase: true, isBranchPoint: false, isMergePoint: false };
    const rows = { effectiveHeads: [], rows: ['a1'] };
    expect(schema('current')({ revisions: [revision], ...rows })).toBe(true);
    expect(schema('current')({ revisions: [revision] })).toBe(false);
    expect(schema('current')({ revisions: [{ ...revision, id: undefined }], ...rows })).toBe(false);
    expect(schema('current')({ revisions: [{ ...revision, extra: 1 }], ...rows })).toBe(false);
    expect(schema('current')({ revisions: [], ...rows, more: [] })).toBe(false);
    expect(schema('heads')({ revisions: [{ ...revision, isHead: false }], effectiveHeads: [] })).toBe(false);
    const branchConflicts = { conflicts: [], acknowledged: [], unreadable: [], compared: [] };
    const lint = { findings: [], revisions: [], scope: 'given', database: { reached: 'not-asked' }, errors: 0, warnings: 0 };
    expect(schema('check')({ ok: true, current: [], heads: [], pending: [], edited: [], drift: null, branchConflicts, lint, problems: [] })).toBe(true);
    expect(schema('check')({ ok: true, current: [], heads: [], pending: [], edited: [], drift: null, branchConflicts, problems: [] })).toBe(false);
    expect(schema('check')({ ok: true, current: [], heads: [], pending: [], edited: [], drift: null, branchConflicts, lint, problems: [{ code: 'OTHER', message: 'x' }] })).toBe(false);
    expect(schema('lint')({ ...lint, findings: [{ ruleId: 'DROP_TABLE', severity: 'error', message: 'x', revision: 'a1', file: 'm.ts', line: 0 }] })).toBe(false);
    expect(schema('check')({ ok: true, current: [], heads: [], pending: [], edited: [], drift: null, problems: [] })).toBe(false);
    const error = { code: 'MIGRATION_FAILED', message: 'x', docs: 'cgmigrate explain MIGRATION_FAILED', exitCode: 1, revision: 'b2', rolledBack: null };
    expect(schema('error')({ error })).toBe(true);
    expect(schema('error')({ error: { ...error, oclif: { exit: 1 } } })).toBe(false);
    expect(schema('error')({ error: { ...error, extra: 1 } })).toBe(false);
  });
});

import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, tempProject } from './cli.js';

const TYPELESS = 'MODULE_TYPELESS_PACKAGE_JSON';

/**
 * A project whose package.json has no `"type"`: Node 24 loads its `.ts` config and
 * migrations as ES modules, with a warning cgmigrate keeps from its users. Other
 * warnings still show.
 */
describe('a package.json without "type"', () => {
  const project = tempProject();
  const cwd = project.dir;
  const config = path.join(cwd, 'cgmigrate.config.ts');

  beforeAll(async () => {
    writeFileSync(path.join(cwd, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0' }));
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
  });
  afterAll(() => project.cleanup());

  it('makes plain Node warn about the config file (so the test below means something)', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(config).href)})`], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`[${TYPELESS}] Warning: Module type of ${pathToFileURL(config).href} is not specified`);
  });

  it('shows no such warning for the config or the migrations', async () => {
    const revision = await cgmigrate(['revision', '-m', 'Create users'], { cwd });
    expect(revision.code, revision.stderr).toBe(0);
    for (const args of [['history'], ['heads'], ['upgrade', 'head'], ['current', '--json']]) {
      const run = await cgmigrate(args, { cwd });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toContain(TYPELESS);
      expect(run.stderr).not.toContain('Module type of');
    }
  });

  it('still shows every other warning', async () => {
    appendFileSync(config, "\nprocess.emitWarning('the config was read', { code: 'CG_TEST_WARNING' });\n");
    const run = await cgmigrate(['history'], { cwd });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('[CG_TEST_WARNING] Warning: the config was read');
    expect(run.stderr).not.toContain(TYPELESS);
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgmigrate, fails, MODES, tempProject } from './cli.js';

/**
 * A config that cannot be read (a getter that throws, a module that throws as it loads,
 * a default export that rejects) is CONFIG_INVALID, exit 2, naming the file, the key and
 * what was thrown, with no stack trace.
 */
describe('a config file that throws while it is read', () => {
  const project = tempProject();
  const cwd = project.dir;
  const config = path.join(cwd, 'cgmigrate.config.ts');

  beforeAll(async () => {
    expect((await cgmigrate(['init'], { cwd })).code).toBe(0);
  });
  afterAll(() => project.cleanup());

  const cases: readonly { name: string; source: string; problem: string }[] = [
    {
      name: 'a getter on a key',
      source: "export default { scriptLocation: 'migrations', get url() { throw new Error('vault unreachable') } };",
      problem: "reading 'url' threw: vault unreachable",
    },
    {
      name: 'a getter on an unknown key',
      source: "export default { get databaseUrl() { throw new Error('vault unreachable') } };",
      problem: "reading 'databaseUrl' threw: vault unreachable",
    },
    {
      name: 'a nested getter',
      source: "export default { lockRetry: { get attempts() { throw new Error('vault unreachable') } } };",
      problem: "reading 'lockRetry.attempts' threw: vault unreachable",
    },
    {
      name: 'a getter in a post-write hook',
      source: "export default { postWriteHooks: [{ get command() { throw new Error('vault unreachable') } }] };",
      problem: "reading 'postWriteHooks[0].command' threw: vault unreachable",
    },
    {
      name: "a getter on the adapter's connect",
      source: "export default { adapter: { get connect() { throw new Error('vault unreachable') } } };",
      problem: "reading 'adapter' threw: vault unreachable",
    },
    {
      name: 'a module whose top level throws',
      source: "throw new Error('vault unreachable');\nexport default {};",
      problem: 'it could not be loaded: vault unreachable',
    },
    {
      name: 'a default export that is a rejecting promise',
      source: "export default Promise.reject(new Error('vault unreachable'));",
      problem: 'its default export, a promise, rejected: vault unreachable',
    },
    {
      name: 'a default export that is a function that throws',
      source: "export default async () => { throw new Error('vault unreachable'); };",
      problem: 'its default export, a function, threw: vault unreachable',
    },
  ];

  describe.each(MODES)('%s mode', (mode) => {
    it.each(cases)('$name', async ({ source, problem }) => {
      writeFileSync(config, `${source}\n`);
      for (const args of [['current'], ['upgrade', 'head']]) {
        const { message, text } = await fails(mode, args, cwd, { code: 'CONFIG_INVALID', exit: 2 });
        expect(message).toBe(`Invalid configuration in ${config}: ${problem}`);
        expect(text).not.toMatch(/\n\s+at /);
        expect(text).not.toContain('UNEXPECTED_ERROR');
      }
    });
  });

  it('a default export that is a promise of a config is used', async () => {
    writeFileSync(config, "export default Promise.resolve({ scriptLocation: 'elsewhere' });\n");
    const { message } = await fails('human', ['history'], cwd, { code: 'SCRIPT_LOCATION_NOT_FOUND', exit: 2 });
    expect(message).toContain(path.join(cwd, 'elsewhere'));
  });
});

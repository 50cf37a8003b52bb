import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/load-config.js';
import { defaultExport, fileExports } from '../../src/config/default-export.js';

/** What jiti (registered by MikroORM's CLI) hands `import()` for a file that says `export default config`. */
const interop = (value: unknown) => Object.defineProperty({ default: value }, '__esModule', { value: true });

describe('defaultExport', () => {
  it('is the default export of a module as Node imports it', () => {
    expect(defaultExport({ default: { url: 'sqlite:///a.db' } })).toEqual({ url: 'sqlite:///a.db' });
    expect(defaultExport({})).toBeUndefined();
  });

  it('is the file\'s own default export when a loader compiled it to CommonJS and marked it __esModule', () => {
    expect(defaultExport({ default: interop({ revision: 'a1' }) })).toEqual({ revision: 'a1' });
  });

  it('leaves a default export without the mark as it is', () => {
    const plain = { default: { revision: 'a1' } };
    expect(defaultExport({ default: plain })).toBe(plain);
  });

  it('gives the named exports of a wrapped file, a migration class without a default export among them', () => {
    class Migration20250101000000 {}
    const wrapped = { default: Object.defineProperty({ Migration20250101000000 }, '__esModule', { value: true }) };
    expect(fileExports(wrapped)).toEqual({ Migration20250101000000 });
    expect(defaultExport(wrapped)).toBeUndefined();
    expect(fileExports({ default: 1, named: 2 })).toEqual({ default: 1, named: 2 });
  });

  it('lets loadConfig read a config whose module a CommonJS-compiling loader wrapped', async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-interop-'));
    writeFileSync(
      path.join(cwd, 'cgmigrate.config.mjs'),
      "export default Object.defineProperty({ default: { url: 'sqlite:///wrapped.db' } }, '__esModule', { value: true });\n",
    );
    await expect(loadConfig({ cwd, env: {} })).resolves.toMatchObject({ url: 'sqlite:///wrapped.db', urlSource: 'config' });
  });
});

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import * as core from '../../src/index.js';

const API_DOC = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');

/** `| \`CODE\` | \`ClassName\` | …` rows of the errors table. */
const documented = new Map(
  [...API_DOC.matchAll(/^\| `([A-Z_]+)` \| `([A-Za-z]+Error)` \|/gm)].map((match) => [match[2]!, match[1]!]),
);

describe('docs/api.md', () => {
  it('documents every error class core exports, with its code', () => {
    const exported = Object.entries(core)
      .filter(([, value]) => typeof value === 'function' && value.prototype instanceof core.MigrateError)
      .map(([name]) => name);
    expect(exported.length).toBeGreaterThanOrEqual(28);
    const source = readFileSync(new URL('../../src/errors.ts', import.meta.url), 'utf8');
    for (const name of exported) {
      const code = new RegExp(`class ${name} extends MigrateError \\{\\s+readonly code = '([A-Z_]+)'`).exec(source)?.[1];
      expect(code, name).toBeDefined();
      expect(documented.get(name), `${name} is not in the errors table of docs/api.md`).toBe(code);
    }
    expect([...documented.keys()].sort()).toEqual(exported.sort());
  });
});

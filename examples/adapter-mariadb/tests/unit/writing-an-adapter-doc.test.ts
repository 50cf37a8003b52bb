/**
 * The blocks of docs/writing-an-adapter.md (and docs/api.md's third-party adapter) that show
 * this example: the conformance test whole, its `oclif` hook declaration as in package.json,
 * and the hook module and the service registering the adapter, typechecked against the built
 * packages and this one.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { blocksRunBy } from '../../../../tools/docs/fenced-blocks.js';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';

const TEST = 'examples/adapter-mariadb/tests/unit/writing-an-adapter-doc.test.ts';
const [packageJson, hookModule, conformance] = blocksRunBy('docs/writing-an-adapter.md', TEST);
const [serviceRegistration] = blocksRunBy('docs/api.md', TEST);
const CONFORMANCE_TEST = new URL('../integration/conformance.test.ts', import.meta.url);
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

describe('docs/writing-an-adapter.md', () => {
  it("shows this example's conformance test whole, as the file the test run executes", () => {
    expect(conformance!.info).toBe('ts');
    // Less its first line, `// @module-tag mariadb`: it lets this repository's test command skip the file, with the
    // reason, where it has no MariaDB server, and a copy in another project has no use for it.
    expect(conformance!.body).toBe(readFileSync(CONFORMANCE_TEST, 'utf8').replace(/^\/\/ @module-tag \w+\n/, ''));
  });

  it("declares the hook as this example's package.json does", () => {
    expect(packageJson!.info).toBe('jsonc');
    const [comment, ...member] = packageJson!.body.trimEnd().split('\n');
    expect(comment).toBe('// package.json');
    const shown = JSON.parse(`{${member.join('\n')}}`) as { oclif: unknown };
    const manifest = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { oclif: unknown };
    expect(shown.oclif).toEqual(manifest.oclif);
  });

  it("typechecks the hook module (as this example's src/hooks/adapters.ts) and docs/api.md's service", async () => {
    const errors = await typecheckSnippets(
      [
        { block: hookModule!, file: 'src/hooks/adapters.ts' },
        { block: serviceRegistration! },
      ],
      '',
      // The hook's `import('../index.js')`: the adapter package's entry.
      { 'src/index.ts': "export * from '@cloudguard-examples/migrate-adapter-mariadb';\nexport { default } from '@cloudguard-examples/migrate-adapter-mariadb';\n" },
    );
    expect(errors).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const DOC = new URL('../../../../docs/writing-an-adapter.md', import.meta.url);
const CONFORMANCE_TEST = new URL('../integration/conformance.test.ts', import.meta.url);

/** The ```ts block of the document that starts with `firstLine`. */
function snippet(doc: string, firstLine: string): string {
  const start = doc.indexOf(`\`\`\`ts\n${firstLine}`);
  expect(start, `no \`\`\`ts block starting with '${firstLine}'`).toBeGreaterThanOrEqual(0);
  const body = start + '```ts\n'.length;
  return doc.slice(body, doc.indexOf('```', body));
}

describe('docs/writing-an-adapter.md', () => {
  it("shows this example's conformance test whole, as the file the test run executes", () => {
    // Less its first line, `// @module-tag mariadb`: it lets this repository's test command skip the file, with the
    // reason, where it has no MariaDB server, and a copy in another project has no use for it.
    const file = readFileSync(CONFORMANCE_TEST, 'utf8').replace(/^\/\/ @module-tag \w+\n/, '');
    expect(snippet(readFileSync(DOC, 'utf8'), file.slice(0, file.indexOf('\n')))).toBe(file);
  });
});

import { describe, expect, it } from 'vitest';

import { fencedBlocks } from './fenced-blocks.js';
import { typecheckSnippets } from './typecheck-snippets.js';

describe('typecheckSnippets', () => {
  it("names the document's line of each error, counting the lines written before the block", async () => {
    const [block] = fencedBlocks('# Title\n\n```ts\nconst ok: number = 1;\nconst wrong: number = given;\n```\n', 'docs/x.md');
    const errors = await typecheckSnippets([{ block: block!, before: 'const first = 1;\nconst second = first;\n' }], 'declare const given: string;');
    expect(errors).toEqual([`docs/x.md:5: TS2322: Type 'string' is not assignable to type 'number'.`]);
  }, 60_000);
});

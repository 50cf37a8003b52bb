/**
 * The migrations of docs/lint.md (the safe alternatives a reader copies, and the ignore
 * comments): typechecked with the repository's TypeScript against the built packages, so
 * that an option the page recommends (`transactional: false`, `concurrently`) exists as
 * written.
 */
import { describe, expect, it } from 'vitest';
import { typecheckSnippets } from '../../../../tools/docs/typecheck-snippets.js';
import { blocksRunBy, testPath } from './doc-shell.js';

const TEST = testPath(import.meta.url);
const blocks = blocksRunBy('docs/lint.md', TEST);

describe('docs/lint.md', () => {
  it('has its migrations marked for this test', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(blocks.every((block) => block.info === 'ts')).toBe(true);
  });

  it('migrations typecheck against the built packages', async () => {
    expect(await typecheckSnippets(blocks.map((block) => ({ block })))).toEqual([]);
  }, 60_000);
});

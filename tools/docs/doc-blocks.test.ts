/**
 * Every code block a user might copy from README.md, CONTRIBUTING.md or docs/ is either run
 * by a test, which reads it from the document through its `<!-- run-by: <test> -->` marker,
 * or marked `<!-- illustrative: <reason> -->` (CONTRIBUTING.md, "Code blocks in the
 * documentation").
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { fencedBlocks, REPO_ROOT, shellSteps, strayMarkers, userDocuments, type FencedBlock } from './fenced-blocks.js';

const documents = userDocuments().filter((doc) => existsSync(path.join(REPO_ROOT, doc)));
const blocks = documents.flatMap((doc) => fencedBlocks(readFileSync(path.join(REPO_ROOT, doc), 'utf8'), doc));
const where = (block: { file: string; line: number }): string => `${block.file}:${block.line}`;

describe('code blocks of the documentation', () => {
  it('reads README.md, CONTRIBUTING.md and docs/', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'CONTRIBUTING.md', 'docs/getting-started.md', 'docs/benchmarks/upgrade.md']));
    expect(blocks.length).toBeGreaterThan(50);
  });

  it('marks each block run-by a test or illustrative, on the line before its fence', () => {
    const unmarked = blocks.filter((block) => block.marker === undefined).map((block) => `${where(block)} \`\`\`${block.info}`);
    expect(unmarked, 'blocks with neither <!-- run-by: <test> --> nor <!-- illustrative: <reason> --> right above').toEqual([]);
    const invalid = blocks.flatMap((block) => (block.marker?.kind === 'invalid' ? [`${where(block)} ${block.marker.text}`] : []));
    expect(invalid, 'markers to write as <!-- run-by: <test file> --> or <!-- illustrative: <reason> -->').toEqual([]);
  });

  it('names, in each run-by marker, a test file that exists and reads the document through the marker', () => {
    const problems = blocks.flatMap((block) => {
      if (block.marker?.kind !== 'run-by') return [];
      const test = path.join(REPO_ROOT, block.marker.test);
      if (!existsSync(test)) return [`${where(block)}: ${block.marker.test} does not exist`];
      const source = readFileSync(test, 'utf8');
      if (!source.includes(block.file)) return [`${where(block)}: ${block.marker.test} never names ${block.file}`];
      if (!source.includes('blocksRunBy')) return [`${where(block)}: ${block.marker.test} does not read blocks with blocksRunBy`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it('has no marker that marks nothing (a comment whose next line is not a fence)', () => {
    const stray = documents.flatMap((doc) => strayMarkers(readFileSync(path.join(REPO_ROOT, doc), 'utf8'), doc)).map((marker) => `${where(marker)} ${marker.text}`);
    expect(stray).toEqual([]);
  });

  it('counts what is run and what is illustrative', () => {
    const count = (kind: string) => blocks.filter((block) => block.marker?.kind === kind).length;
    const byFile = documents
      .map((doc) => {
        const own = blocks.filter((block) => block.file === doc);
        const run = own.filter((block) => block.marker?.kind === 'run-by').length;
        const illustrative = own.filter((block) => block.marker?.kind === 'illustrative').length;
        return own.length === 0 ? undefined : `  ${doc}: ${run} run, ${illustrative} illustrative`;
      })
      .filter((line) => line !== undefined);
    console.info(`code blocks: ${blocks.length}, run by a test ${count('run-by')}, illustrative ${count('illustrative')}\n${byFile.join('\n')}`);
    expect(count('run-by') + count('illustrative')).toBe(blocks.length);
  });
});

describe('fencedBlocks', () => {
  const block = (text: string): FencedBlock[] => fencedBlocks(text, 'x.md');

  it('reads the info string, the body, the line and the marker above', () => {
    expect(block('text\n<!-- illustrative: output of init -->\n```bash\ncgmigrate init\n```\n')).toEqual([
      { file: 'x.md', line: 3, info: 'bash', body: 'cgmigrate init\n', marker: { kind: 'illustrative', reason: 'output of init' } },
    ]);
    expect(block('<!-- run-by: a/b.test.ts -->\n~~~\nx\n~~~\n')[0]!.marker).toEqual({ kind: 'run-by', test: 'a/b.test.ts' });
    expect(block('\n```ts\nx\n```\n')[0]!.marker).toBeUndefined();
  });

  it('refuses a marker without its reason or test, and one separated from the fence by a blank line', () => {
    expect(block('<!-- illustrative -->\n```\nx\n```\n')[0]!.marker).toEqual({ kind: 'invalid', text: '<!-- illustrative -->' });
    expect(block('<!-- run-by: -->\n```\nx\n```\n')[0]!.marker).toEqual({ kind: 'invalid', text: '<!-- run-by: -->' });
    const separated = '<!-- illustrative: x -->\n\n```\nx\n```\n';
    expect(block(separated)[0]!.marker).toBeUndefined();
    expect(strayMarkers(separated, 'x.md')).toEqual([{ file: 'x.md', line: 1, text: '<!-- illustrative: x -->' }]);
  });

  it('keeps a shorter fence inside a longer one, and a block left open runs to the end', () => {
    const nested = '````markdown\n<!-- illustrative: x -->\n```bash\nls\n```\n````\n```sh\nopen\n';
    expect(block(nested).map(({ line, info, body }) => ({ line, info, body }))).toEqual([
      { line: 1, info: 'markdown', body: '<!-- illustrative: x -->\n```bash\nls\n```\n' },
      { line: 7, info: 'sh', body: 'open\n\n' },
    ]);
    expect(strayMarkers(nested, 'x.md')).toEqual([]);
  });

  it('takes a fence indented up to three spaces, removing that indentation from the body, and not inline code', () => {
    expect(block('1. list\n   ```bash\n   cgmigrate check\n     indented\n   ```\n')[0]!.body).toBe('cgmigrate check\n  indented\n');
    expect(block('``` `x` ```\n')).toEqual([]);
  });
});

describe('shellSteps', () => {
  it('gives each command with the comment after it and the comment lines below it', () => {
    const [shell] = fencedBlocks(
      '```bash\n# set up first\ncgmigrate upgrade head\n# Running upgrade  -> a1\n\ncgmigrate current   # a1 (head)\nnpm test \\\n  --quiet\n```\n',
      'x.md',
    );
    expect(shellSteps(shell!)).toEqual([
      { command: 'cgmigrate upgrade head', comments: ['Running upgrade  -> a1'] },
      { command: 'cgmigrate current', comments: ['a1 (head)'] },
      { command: 'npm test    --quiet', comments: [] },
    ]);
  });
});

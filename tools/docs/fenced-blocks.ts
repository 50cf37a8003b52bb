import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What the HTML comment on the line right before a fence says about its block (it renders
 * as nothing on GitHub):
 * - `<!-- run-by: packages/cli/tests/docs/cli.e2e.test.ts -->`: that test runs, typechecks
 *   or compares the block, reading it from the document at test time;
 * - `<!-- illustrative: <reason> -->`: no test runs it, for the reason given (output shown
 *   for reading, a placeholder a reader fills in, a command that needs a service a test has not).
 */
export type BlockMarker =
  | { readonly kind: 'run-by'; readonly test: string }
  | { readonly kind: 'illustrative'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly text: string };

/** One fenced code block of a Markdown document. */
export interface FencedBlock {
  /** The document, relative to the repository's root (`docs/cli.md`). */
  readonly file: string;
  /** The line of the opening fence, 1-based. */
  readonly line: number;
  /** The info string after the fence (`bash`, `ts`), empty when there is none. */
  readonly info: string;
  /** The lines between the fences, each ending with a newline. */
  readonly body: string;
  /** The marker on the line before the fence, if there is one. */
  readonly marker: BlockMarker | undefined;
}

/** A marker comment whose next line is not a fence: it marks nothing. */
export interface StrayMarker {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const MARKER = /^<!--\s*([a-z-]+):\s*(.*?)\s*-->\s*$/;
const MARKER_START = /^<!--\s*(run-by|illustrative)\b/;

/**
 * The fenced code blocks of a Markdown document, as CommonMark reads them: a fence of three
 * or more backticks or tildes, closed by a fence of the same character at least as long
 * (so a ```` block may show ``` fences), or by the end of the document.
 *
 * ### Examples
 * ```ts
 * fencedBlocks('<!-- illustrative: output -->\n```text\nok\n```\n', 'x.md')
 * // [{ file: 'x.md', line: 2, info: 'text', body: 'ok\n', marker: { kind: 'illustrative', reason: 'output' } }]
 * ```
 */
export function fencedBlocks(markdown: string, file: string): FencedBlock[] {
  return scan(markdown, file).blocks;
}

/** Marker comments outside code blocks that are not followed by a fence. */
export function strayMarkers(markdown: string, file: string): StrayMarker[] {
  return scan(markdown, file).stray;
}

function scan(markdown: string, file: string): { blocks: FencedBlock[]; stray: StrayMarker[] } {
  const lines = markdown.split('\n');
  const blocks: FencedBlock[] = [];
  const stray: StrayMarker[] = [];
  let index = 0;
  while (index < lines.length) {
    const opening = FENCE.exec(lines[index]!);
    // A backtick fence's info string may not hold a backtick (that is inline code).
    if (!opening || (opening[2]!.startsWith('`') && opening[3]!.includes('`'))) {
      const text = lines[index]!.trim();
      if (MARKER_START.test(text) && !FENCE.test(lines[index + 1] ?? '')) stray.push({ file, line: index + 1, text });
      index += 1;
      continue;
    }
    const [, indent, fence] = opening as unknown as [string, string, string, string];
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !closing.test(lines[end]!)) {
      // CommonMark removes the opening fence's indentation from each line of the block.
      body.push(lines[end]!.replace(new RegExp(`^ {0,${indent.length}}`), ''));
      end += 1;
    }
    blocks.push({
      file,
      line: index + 1,
      info: opening[3]!.trim(),
      body: body.map((line) => `${line}\n`).join(''),
      marker: index > 0 ? markerOf(lines[index - 1]!) : undefined,
    });
    index = end + 1;
  }
  return { blocks, stray };
}

function markerOf(line: string): BlockMarker | undefined {
  const text = line.trim();
  if (!MARKER_START.test(text)) return undefined;
  const [, kind, value] = MARKER.exec(text) ?? [];
  if (kind === 'run-by' && value) return { kind, test: value };
  if (kind === 'illustrative' && value) return { kind, reason: value };
  return { kind: 'invalid', text };
}

/**
 * The documents whose code blocks users copy: README.md, CONTRIBUTING.md and every
 * Markdown file under docs/, relative to the repository's root, sorted.
 */
export function userDocuments(root: string = REPO_ROOT): string[] {
  const docs = readdirSync(path.join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => path.posix.join('docs', name.split(path.sep).join('/')));
  return ['README.md', 'CONTRIBUTING.md', ...docs.sort()];
}

/**
 * The blocks of a document that carry `<!-- run-by: <test> -->`, in document order: what a
 * test reads to run them, so that the document and the test cannot drift apart.
 *
 * @param doc the document, relative to the repository's root (`docs/getting-started.md`).
 * @param test the test file, relative to the repository's root.
 */
export function blocksRunBy(doc: string, test: string, root: string = REPO_ROOT): FencedBlock[] {
  return fencedBlocks(readFileSync(path.join(root, doc), 'utf8'), doc).filter(
    (block) => block.marker?.kind === 'run-by' && block.marker.test === test,
  );
}

/** One command of a shell block and what the document says about it. */
export interface ShellStep {
  /** The command, its comment left out. */
  readonly command: string;
  /**
   * The comment after the command and the comment lines right below it, without `# `:
   * what it does or prints (`cgmigrate current   # 3f2a (head)` gives `['3f2a (head)']`).
   */
  readonly comments: readonly string[];
}

/**
 * The commands of a shell block, one per line, with their comments; comment lines before
 * the first command and blank lines are left out, and a line ending in `\` is joined with
 * the next.
 *
 * ### Examples
 * ```ts
 * shellSteps(block) // for "cgmigrate current   # 3f2a (head)\n": [{ command: 'cgmigrate current', comments: ['3f2a (head)'] }]
 * ```
 */
export function shellSteps(block: FencedBlock): ShellStep[] {
  const steps: { command: string; comments: string[] }[] = [];
  let current: string[] | undefined;
  for (const line of block.body.replace(/\\\n/g, ' ').split('\n')) {
    const command = line.replace(/(^|\s)#.*$/, '').trim();
    const comment = /(?:^|\s)#\s?(.*)$/.exec(line)?.[1];
    if (command !== '') {
      current = comment === undefined ? [] : [comment.trim()];
      steps.push({ command, comments: current });
    } else if (comment !== undefined && current) {
      current.push(comment.trim());
    } else {
      current = undefined;
    }
  }
  return steps;
}

/** The commands of a shell block: {@link shellSteps} without their comments. */
export function shellCommands(block: FencedBlock): string[] {
  return shellSteps(block).map((step) => step.command);
}

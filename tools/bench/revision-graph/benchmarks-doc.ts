/**
 * Keeps docs/benchmarks.md: each benchmark owns the text between its two markers and
 * rewrites only that, so hand-written analysis around it and other benchmarks'
 * sections stay as they are.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The document every benchmark writes its section to. */
export const BENCHMARKS_DOC = fileURLToPath(new URL('../../../docs/benchmarks.md', import.meta.url));

const PREAMBLE = `# Benchmarks

Whole-process timings of the \`cgmigrate\` CLI next to its peers. Each benchmark lives
in \`tools/bench/<name>/\` and rewrites only its own section below, between its
\`<!-- bench:<name>:start -->\` and \`<!-- bench:<name>:end -->\` markers; the text around
the markers is written by hand.
`;

/** A benchmark's section: its heading and how to run it, written once, then its generated results. */
export interface DocSection {
  readonly name: string;
  readonly heading: string;
  readonly intro: string;
  readonly generated: string;
}

/** Replaces the generated part of `section` in `file`, adding the section (and the file) when missing. */
export function writeSection(section: DocSection, file: string = BENCHMARKS_DOC): void {
  const start = `<!-- bench:${section.name}:start -->`;
  const end = `<!-- bench:${section.name}:end -->`;
  const block = `${start}\n${section.generated.trim()}\n${end}`;
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : PREAMBLE;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  const updated =
    from !== -1 && to > from
      ? doc.slice(0, from) + block + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n## ${section.heading}\n\n${section.intro.trim()}\n\n${block}\n`;
  writeFileSync(file, updated);
}

/**
 * docs/lint.md has a section for every rule of the catalogue (read from core itself, so a
 * new rule fails here until it is documented), under its family's heading, with the
 * rule's summary, dialects and default severity as the catalogue has them, an example and
 * the safe alternative. Its links land on headings that exist, and its PostgreSQL
 * examples are PostgreSQL, as PostgreSQL's own parser reads it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LINT_RULES, lintRuleAnchor, type LintRule, type LintRuleFamily } from '@cloudguard/migrate-core/adapter';
import { describe, expect, it } from 'vitest';
import { fencedBlocks, REPO_ROOT } from '../../../../tools/docs/fenced-blocks.js';

const DOC = 'docs/lint.md';
const markdown = readFileSync(path.join(REPO_ROOT, DOC), 'utf8');

/** The `## ` heading each family's rules sit under. */
const FAMILY_HEADINGS: Record<LintRuleFamily, string> = {
  destructive: 'Destructive changes',
  compatibility: 'Backward-incompatible changes',
  locking: 'Locks and rewrites (PostgreSQL)',
  transaction: 'Transaction hazards',
  sqlite: 'SQLite',
  lint: "The lint's own findings",
};

/** GitHub's anchor of a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_ -]/gu, '')
    .replace(/ /g, '-');
}

interface RuleSection {
  readonly heading: string;
  /** The `## ` heading above it. */
  readonly family: string;
  /** Its text, up to the next heading. */
  body: string;
}

/** Each `### ` section of the page, outside code blocks. */
function ruleSections(): RuleSection[] {
  const sections: RuleSection[] = [];
  let family = '';
  let current: RuleSection | undefined;
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    if (!inFence && line.startsWith('## ')) {
      family = line.slice(3).trim();
      current = undefined;
    } else if (!inFence && line.startsWith('### ')) {
      current = { heading: line.slice(4).trim(), family, body: '' };
      sections.push(current);
    } else if (current) {
      current.body += `${line}\n`;
    }
  }
  return sections;
}

function dialectsLine(rule: LintRule): string {
  if (rule.dialects.length === 0) return 'all (reported by cgmigrate itself)';
  return rule.dialects.map((dialect) => (dialect === 'postgresql' ? 'PostgreSQL' : 'SQLite')).join(', ');
}

const sections = ruleSections();
const byId = new Map(sections.map((section) => [section.heading, section]));

describe('docs/lint.md', () => {
  it('has a section for each rule and none for a rule that does not exist, in the catalogue’s order', () => {
    expect(sections.map((section) => section.heading)).toEqual(LINT_RULES.map((rule) => rule.id));
  });

  it.each(LINT_RULES.map((rule) => [rule.id, rule] as const))(
    '%s: under its family, with its summary, dialects, severity, an example, why it hurts and the safe alternative',
    (id, rule) => {
      const section = byId.get(id);
      expect(section, `no "### ${id}" section`).toBeDefined();
      expect(section!.family).toBe(FAMILY_HEADINGS[rule.family]);
      expect(section!.body.trim().split('\n\n')[0]).toBe(rule.summary);
      expect(section!.body).toContain(`**Dialects:** ${dialectsLine(rule)}. **Default severity:** ${rule.defaultSeverity}.`);
      const why = section!.body.indexOf('**Why it hurts:**');
      const safe = section!.body.indexOf('**Safe alternative:**');
      expect(why, 'no **Why it hurts:**').toBeGreaterThan(0);
      expect(safe, 'no **Safe alternative:** after **Why it hurts:**').toBeGreaterThan(why);
      const example = section!.body.slice(0, why);
      expect(example, 'no example before **Why it hurts:**').toMatch(/\n```(sql|ts)\n/);
    },
  );

  it('is where lintRuleAnchor links: each rule’s heading has the rule’s anchor', () => {
    for (const rule of LINT_RULES) expect(slug(rule.id)).toBe(lintRuleAnchor(rule.id));
  });

  it('links only to headings that exist, on this page and the other documents', () => {
    const anchorsOf = (file: string): Set<string> => {
      const text = readFileSync(path.join(REPO_ROOT, 'docs', file), 'utf8');
      const blocks = fencedBlocks(text, file);
      const inBlock = new Set(blocks.flatMap((block) => Array.from({ length: block.body.split('\n').length + 1 }, (_, i) => block.line + i)));
      return new Set(
        text
          .split('\n')
          .flatMap((line, index) => (!inBlock.has(index + 1) && /^#{1,6} /.test(line) ? [slug(line.replace(/^#+ /, ''))] : [])),
      );
    };
    const broken: string[] = [];
    for (const [, target] of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      const [file, anchor] = target!.split('#') as [string, string | undefined];
      const document = file === '' ? 'lint.md' : file;
      if (!existsSync(path.join(REPO_ROOT, 'docs', document))) {
        broken.push(`${target}: no docs/${document}`);
        continue;
      }
      if (anchor !== undefined && !anchorsOf(document).has(anchor)) broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
  });

  it('shows PostgreSQL examples that PostgreSQL’s parser reads, and for UNPARSEABLE one it cannot', async () => {
    const { loadModule, parseSync } = await import('libpg-query');
    await loadModule();
    const problems: string[] = [];
    for (const rule of LINT_RULES.filter((entry) => entry.dialects.includes('postgresql') || entry.id === 'UNPARSEABLE')) {
      const section = byId.get(rule.id)!;
      for (const block of fencedBlocks(section.body, DOC).filter((entry) => entry.info === 'sql')) {
        let error: string | undefined;
        try {
          parseSync(block.body);
        } catch (caught) {
          error = (caught as Error).message;
        }
        if (rule.id === 'UNPARSEABLE' && error === undefined) problems.push(`${rule.id}: its example parses`);
        if (rule.id !== 'UNPARSEABLE' && error !== undefined) problems.push(`${rule.id}: ${error}\n${block.body}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/**
 * docs/errors.md has a section for every error code core can raise (read from
 * errors.ts itself, so a new code fails here until it is documented), every code of the
 * CLI and of check's problems and the runner's warnings, each with its message, cause,
 * fix and the exit status the CLI really uses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exitStatusFor } from '../../src/exit-codes.js';
import { ERRORS_DOC } from '../../src/hints.js';

const ROOT = new URL('../../../../', import.meta.url);
const doc = readFileSync(fileURLToPath(new URL(ERRORS_DOC, ROOT)), 'utf8');
const errorsTs = readFileSync(fileURLToPath(new URL('packages/core/src/errors.ts', ROOT)), 'utf8');

/** The members of `export type MigrateErrorCode = | 'A' | 'B' …;`. */
function coreCodes(): string[] {
  const union = /export type MigrateErrorCode =([^;]*);/.exec(errorsTs)?.[1] ?? '';
  return [...union.matchAll(/'([A-Z_]+)'/g)].map((match) => match[1]!);
}
const CLI_CODES = ['INVALID_ARGUMENTS', 'COMMAND_NOT_FOUND', 'UNEXPECTED_ERROR'];
const OTHER_CODES = ['MIGRATION_EDITED', 'LOCK_RETRY', 'RUN_ROLLED_BACK', 'BRANCH_CONFLICT', 'BRANCH_CONFLICT_UNREADABLE'];

/** The text of each `### HEADING` section, by its GitHub anchor. */
function sections(): Map<string, string> {
  const result = new Map<string, string>();
  const parts = doc.split(/^### /m).slice(1);
  for (const part of parts) {
    const heading = part.slice(0, part.indexOf('\n')).trim();
    const anchor = heading.toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-');
    result.set(anchor, part.split(/^## /m)[0]!);
  }
  return result;
}

describe('docs/errors.md', () => {
  const byAnchor = sections();

  it('reads every code of core (the union in errors.ts)', () => {
    expect(coreCodes().length).toBeGreaterThanOrEqual(29);
    expect(coreCodes()).toContain('MULTIPLE_HEADS');
  });

  it.each([...coreCodes(), ...CLI_CODES, ...OTHER_CODES])('%s has a section with message, exit status, cause and fix', (code) => {
    const section = byAnchor.get(code.toLowerCase());
    expect(section, `no "### ${code}" section in docs/errors.md`).toBeDefined();
    for (const label of ['**Message:**', '**Exit status:**', '**Cause:**', '**Fix:**']) expect(section).toContain(label);
  });

  it.each([...coreCodes(), ...CLI_CODES])('%s documents the exit status the CLI uses', (code) => {
    const section = byAnchor.get(code.toLowerCase())!;
    const documented = /\*\*Exit status:\*\* (\d)/.exec(section)?.[1];
    const expected = CLI_CODES.includes(code) ? (code === 'UNEXPECTED_ERROR' ? 1 : 2) : exitStatusFor(code);
    expect(Number(documented)).toBe(expected);
  });

  it("covers the seed's troubleshooting cases with the words users search for", () => {
    for (const words of [
      "Can't locate revision identified by",
      'Multiple head revisions are present',
      'Target database is not up to date',
      'No changes in schema detected.',
    ]) {
      expect(doc).toContain(words);
    }
    expect(byAnchor.has('no-changes-in-schema-detected')).toBe(true);
  });

  it('has only links to sections that exist', () => {
    for (const [, anchor] of doc.matchAll(/\]\(#([^)]+)\)/g)) {
      const headings = new Set([...byAnchor.keys(), ...[...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.toLowerCase().replace(/[^a-z0-9_ -]/g, '').replace(/ /g, '-'))]);
      expect(headings, `#${anchor}`).toContain(anchor);
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorReference } from '../../src/error-reference.js';
import { formatExplanation } from '../../src/render/explanation.js';

const DOC = `# Errors

Intro.

## The revision graph

### MULTIPLE_HEADS

**Message:** \`Multiple head revisions…\`
**Exit status:** 2

**Fix:** merge, see [REVISION_NOT_FOUND](#revision_not_found).

### REVISION_NOT_FOUND
**Message:** \`Can't locate revision\`

## Warnings and notes

### No changes in schema detected

Not a code.
`;

describe('ErrorReference', () => {
  const reference = ErrorReference.parse(DOC);

  it('keys each section by the code in its heading, in the order of the document', () => {
    expect(reference.codes).toEqual(['MULTIPLE_HEADS', 'REVISION_NOT_FOUND']);
  });

  it('holds a section from below its heading to the next heading, trimmed', () => {
    expect(reference.section('MULTIPLE_HEADS')).toBe(
      '**Message:** `Multiple head revisions…`\n**Exit status:** 2\n\n**Fix:** merge, see [REVISION_NOT_FOUND](#revision_not_found).',
    );
    expect(reference.section('REVISION_NOT_FOUND')).toBe("**Message:** `Can't locate revision`");
  });

  it('has no section for a heading that is not a code, nor for an unknown code', () => {
    expect(reference.section('No changes in schema detected')).toBeUndefined();
    expect(reference.section('multiple_heads')).toBeUndefined();
  });

  it("reads the repository's docs/errors.md: every section has its message, exit status, cause and fix", () => {
    const real = ErrorReference.parse(readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8'));
    expect(real.codes.length).toBeGreaterThan(40);
    for (const code of real.codes) {
      for (const label of ['**Message:**', '**Exit status:**', '**Cause:**', '**Fix:**']) expect(real.section(code), code).toContain(label);
    }
  });
});

describe('formatExplanation', () => {
  it('prints the code, then the section with its bold markers and link targets dropped', () => {
    expect(formatExplanation('MULTIPLE_HEADS', ErrorReference.parse(DOC).section('MULTIPLE_HEADS')!)).toBe(
      'MULTIPLE_HEADS\n\nMessage: `Multiple head revisions…`\nExit status: 2\n\nFix: merge, see REVISION_NOT_FOUND.',
    );
  });
});

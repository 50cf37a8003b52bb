import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { ConfigInvalidError } from '../../src/errors.js';
import { IgnoreComments } from '../../src/lint/ignore-comments.js';
import { LINT_RULES, lintRule } from '../../src/lint/lint-rules.js';

describe('LINT_RULES', () => {
  it('has at least 30 rules besides the lint’s own findings, each id unique and SCREAMING_SNAKE', () => {
    const ids = LINT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(LINT_RULES.filter((rule) => rule.family !== 'lint').length).toBeGreaterThanOrEqual(30);
  });

  it('makes what destroys data or blocks writes an error by default', () => {
    expect(lintRule('DROP_TABLE')?.defaultSeverity).toBe('error');
    expect(lintRule('CREATE_INDEX_NON_CONCURRENTLY')?.defaultSeverity).toBe('error');
    expect(lintRule('MISSING_LOCK_TIMEOUT')?.defaultSeverity).toBe('warning');
  });
});

describe('IgnoreComments', () => {
  const source = [
    'export default {',
    '  async up(op) {',
    '    // cgmigrate-lint-ignore DROP_TABLE the table was emptied and unused since v3',
    '    // cgmigrate-lint-ignore MISSING_LOCK_TIMEOUT   set by the deploy URL  ',
    "    await op.execute('DROP TABLE old_scans');",
    '    //cgmigrate-lint-ignore DROP_COLUMN',
    "    await op.dropColumn('scans', 'note');",
    '    // cgmigrate-lint-ignore',
    '',
    "    await op.execute('TRUNCATE t');",
    '  },',
    '};',
  ].join('\n');
  const comments = IgnoreComments.read(source);

  it('reads the rule and the reason of each comment, white space trimmed', () => {
    expect(comments.all).toEqual([
      { line: 3, ruleId: 'DROP_TABLE', reason: 'the table was emptied and unused since v3' },
      { line: 4, ruleId: 'MISSING_LOCK_TIMEOUT', reason: 'set by the deploy URL' },
      { line: 6, ruleId: 'DROP_COLUMN', reason: undefined },
      { line: 8, ruleId: undefined, reason: undefined },
    ]);
  });

  it('gives a statement the comments stacked directly above its line, and none across a blank line', () => {
    expect(comments.above(5).map((comment) => comment.ruleId)).toEqual(['MISSING_LOCK_TIMEOUT', 'DROP_TABLE']);
    expect(comments.above(7).map((comment) => comment.ruleId)).toEqual(['DROP_COLUMN']);
    expect(comments.above(10)).toEqual([]);
  });

  it('costs nothing for a file without the marker', () => {
    expect(IgnoreComments.read('export default { up() {} };').all).toEqual([]);
  });
});

describe('config lint section', () => {
  const check = (lint: unknown) => () => validateConfig({ lint } as never, '/app/cgmigrate.config.ts');

  it('takes per-rule severities and the safe autogenerate switch', () => {
    expect(check({ rules: { DROP_INDEX: 'error', LOCK_TABLE: 'off', MISSING_LOCK_TIMEOUT: 'warning' }, safeAutogenerate: true })).not.toThrow();
  });

  it('refuses a rule id that does not exist, suggesting the closest', () => {
    expect(check({ rules: { DROP_TABEL: 'off' } })).toThrow(ConfigInvalidError);
    expect(check({ rules: { DROP_TABEL: 'off' } })).toThrow(/rules names 'DROP_TABEL', which is no lint rule; did you mean 'DROP_TABLE'\?/);
  });

  it('refuses a severity that is not error, warning or off', () => {
    expect(check({ rules: { DROP_TABLE: 'warn' } })).toThrow(/rules\.DROP_TABLE is "warn"/);
  });

  it('refuses an unknown key in the section', () => {
    expect(check({ severity: {} })).toThrow(/unknown key 'severity'/);
  });
});

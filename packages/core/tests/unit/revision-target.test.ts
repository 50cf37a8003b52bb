import { describe, expect, it } from 'vitest';
import { InvalidTargetError } from '../../src/errors.js';
import {
  formatRevisionTarget,
  generateRevisionId,
  parseRevisionRange,
  parseRevisionTarget,
  type RevisionTarget,
} from '../../src/revision/revision-target.js';
import { assertValidRevisionId } from '../../src/revision/revision.js';

describe('parseRevisionTarget', () => {
  it.each<[string, RevisionTarget]>([
    ['head', { kind: 'symbol', symbol: 'head', branch: undefined }],
    ['heads', { kind: 'symbol', symbol: 'heads', branch: undefined }],
    ['base', { kind: 'symbol', symbol: 'base', branch: undefined }],
    ['current', { kind: 'symbol', symbol: 'current', branch: undefined }],
    ['shop@head', { kind: 'symbol', symbol: 'head', branch: 'shop' }],
    ['shop@heads', { kind: 'symbol', symbol: 'heads', branch: 'shop' }],
    ['shop@base', { kind: 'symbol', symbol: 'base', branch: 'shop' }],
    ['ae1027a6acf', { kind: 'revision', revision: 'ae1027a6acf', branch: undefined }],
    ['ae1', { kind: 'revision', revision: 'ae1', branch: undefined }],
    ['shop@ae1', { kind: 'revision', revision: 'ae1', branch: 'shop' }],
    ['my-branch', { kind: 'revision', revision: 'my-branch', branch: undefined }],
    ['+1', { kind: 'relative', steps: 1, anchor: undefined, branch: undefined }],
    ['-3', { kind: 'relative', steps: -3, anchor: undefined, branch: undefined }],
    ['ae10+2', { kind: 'relative', steps: 2, anchor: 'ae10', branch: undefined }],
    ['ae10-2', { kind: 'relative', steps: -2, anchor: 'ae10', branch: undefined }],
    ['shop@+1', { kind: 'relative', steps: 1, anchor: undefined, branch: 'shop' }],
    ['shop@-2', { kind: 'relative', steps: -2, anchor: undefined, branch: 'shop' }],
    ['shop@head-1', { kind: 'relative', steps: -1, anchor: 'head', branch: 'shop' }],
    ['base+2', { kind: 'relative', steps: 2, anchor: 'base', branch: undefined }],
    ['c2branch@base+2', { kind: 'relative', steps: 2, anchor: 'base', branch: 'c2branch' }],
  ])('parses %s', (text, expected) => {
    expect(parseRevisionTarget(text)).toEqual(expected);
    expect(formatRevisionTarget(expected)).toBe(text);
  });

  it.each([
    ['+0', 'a relative step must not be 0'],
    ['-0', 'a relative step must not be 0'],
    ['ae10+0', 'a relative step must not be 0'],
    ['++1', 'not a revision, branch label or symbol'],
    ['+-1', 'not a revision, branch label or symbol'],
    ['', 'no revision given'],
    ['shop@', 'no revision given'],
    ['@head', 'invalid branch name'],
    ['a b', 'not a revision, branch label or symbol'],
    ['a:b', 'a range is not a single target'],
    ['shop@current', "'current' cannot be qualified by a branch"],
    ['current+1', "use '+N' or '-N' to move from the current revisions"],
    ['+99999999999999999999', 'the relative step is too large'],
  ])('rejects %j', (text, reason) => {
    let error: unknown;
    try {
      parseRevisionTarget(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect(error).toMatchObject({ code: 'INVALID_TARGET', target: text, reason });
  });

  it('pins the message', () => {
    expect(() => parseRevisionTarget('+0')).toThrow("Invalid target '+0': a relative step must not be 0");
  });
});

describe('parseRevisionRange', () => {
  it('parses both ends, either of which may be empty', () => {
    expect(parseRevisionRange('base:head')).toEqual({
      lower: { kind: 'symbol', symbol: 'base', branch: undefined },
      upper: { kind: 'symbol', symbol: 'head', branch: undefined },
    });
    expect(parseRevisionRange('-3:')).toEqual({
      lower: { kind: 'relative', steps: -3, anchor: undefined, branch: undefined },
      upper: undefined,
    });
    expect(parseRevisionRange(':head')).toEqual({ lower: undefined, upper: { kind: 'symbol', symbol: 'head', branch: undefined } });
    expect(parseRevisionRange('current:')).toEqual({ lower: { kind: 'symbol', symbol: 'current', branch: undefined }, upper: undefined });
    expect(parseRevisionRange(':')).toEqual({ lower: undefined, upper: undefined });
  });

  it('requires exactly one colon', () => {
    expect(() => parseRevisionRange('head')).toThrow(InvalidTargetError);
    expect(() => parseRevisionRange('a:b:c')).toThrow(InvalidTargetError);
    expect(() => parseRevisionRange('+0:')).toThrow(InvalidTargetError);
  });
});

describe('generateRevisionId', () => {
  it('renders six injected bytes as 12 lowercase hex characters', () => {
    expect(generateRevisionId(() => new Uint8Array([0, 1, 0xab, 0xcd, 0xef, 0xff]))).toBe('0001abcdefff');
  });

  it('uses only the first six bytes', () => {
    expect(generateRevisionId(() => new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toBe('010203040506');
  });

  it('rejects a source with too few bytes', () => {
    expect(() => generateRevisionId(() => new Uint8Array(5))).toThrow(RangeError);
  });

  it('generates valid, distinct ids from crypto by default', () => {
    const generated = new Set(Array.from({ length: 100 }, () => generateRevisionId()));
    expect(generated.size).toBe(100);
    for (const id of generated) {
      expect(id).toMatch(/^[0-9a-f]{12}$/);
      expect(() => assertValidRevisionId(id)).not.toThrow();
    }
  });
});

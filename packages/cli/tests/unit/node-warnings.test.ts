import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silenceTypelessPackageWarning, TYPELESS_PACKAGE_WARNING } from '../../src/node-warnings.js';

/** A stand-in for `process` whose emitWarning records what reaches it. */
function fakeProcess() {
  const emitted: unknown[][] = [];
  const target = Object.assign(new EventEmitter(), {
    emitWarning: (...args: unknown[]) => void emitted.push(args),
  }) as unknown as NodeJS.Process;
  return { target, emitted };
}

describe('silenceTypelessPackageWarning', () => {
  it('drops MODULE_TYPELESS_PACKAGE_JSON in each of emitWarning\'s forms', () => {
    const { target, emitted } = fakeProcess();
    silenceTypelessPackageWarning(target);
    target.emitWarning('Module type of file:///p/cgmigrate.config.ts is not specified', { code: TYPELESS_PACKAGE_WARNING });
    target.emitWarning('Module type of file:///p/x.ts is not specified', 'Warning', TYPELESS_PACKAGE_WARNING);
    target.emitWarning(Object.assign(new Error('Module type of …'), { code: TYPELESS_PACKAGE_WARNING }));
    expect(emitted).toEqual([]);
  });

  it('keeps every other warning, with its arguments', () => {
    const { target, emitted } = fakeProcess();
    silenceTypelessPackageWarning(target);
    target.emitWarning('SQLite is experimental', 'ExperimentalWarning');
    target.emitWarning('old', { code: 'DEP0040', type: 'DeprecationWarning' });
    expect(emitted).toEqual([
      ['SQLite is experimental', 'ExperimentalWarning'],
      ['old', { code: 'DEP0040', type: 'DeprecationWarning' }],
    ]);
  });

  it('wraps emitWarning once however often it is installed', () => {
    const { target } = fakeProcess();
    silenceTypelessPackageWarning(target);
    const wrapped = target.emitWarning;
    silenceTypelessPackageWarning(target);
    expect(target.emitWarning).toBe(wrapped);
  });
});

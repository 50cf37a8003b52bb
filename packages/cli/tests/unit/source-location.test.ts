import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/render/error.js';
import { formatSourceLocation, isSourceLocation, migrationFrames } from '../../src/render/source-location.js';

const location = { path: '/app/migrations/versions/a1.ts', line: 6, column: 7 };

describe('formatSourceLocation', () => {
  it('shows the path relative to the working directory when the file is below it, absolute otherwise', () => {
    expect(formatSourceLocation(location, '/app')).toBe('migrations/versions/a1.ts:6:7');
    expect(formatSourceLocation(location, '/app/migrations')).toBe('versions/a1.ts:6:7');
    expect(formatSourceLocation(location, '/srv')).toBe('/app/migrations/versions/a1.ts:6:7');
  });

  it('recognises a location in error data', () => {
    expect(isSourceLocation(location)).toBe(true);
    expect(isSourceLocation({ path: 'a.ts', line: 1 })).toBe(false);
    expect(isSourceLocation(undefined)).toBe(false);
  });
});

describe('migrationFrames', () => {
  it('keeps the frames in the script location, as paths, and leaves out the rest', () => {
    const stack = [
      "TypeError: Cannot read properties of undefined (reading 'name')",
      '    at helper (file:///app/migrations/helpers/names.ts:3:10)',
      '    at Object.up (file:///app/migrations/versions/a1.ts:6:7)',
      '    at /app/migrations/versions/a1.ts:9:1',
      '    at async StepSupervisor.settle (file:///usr/lib/node_modules/@cloudguard/migrate-core/dist/runtime/step-supervision.js:213:13)',
      '    at Database.exec (/app/node_modules/better-sqlite3/lib/methods/wrappers.js:9:14)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      '    at file:///app/migrations-old/versions/a1.ts:1:1',
    ].join('\n');
    expect(migrationFrames(stack, location, '/app')).toEqual([
      '    at helper (migrations/helpers/names.ts:3:10)',
      '    at Object.up (migrations/versions/a1.ts:6:7)',
      '    at migrations/versions/a1.ts:9:1',
    ]);
  });
});

describe('formatError with a location', () => {
  it('puts the location under the message, and the migration frames under its cause with --verbose', () => {
    const report = {
      code: 'MIGRATION_FAILED',
      message: 'Upgrade of revision a1 (/app/migrations/versions/a1.ts) failed: boom',
      location: 'migrations/versions/a1.ts:6:7',
      exitCode: 1,
      data: {},
      causes: ['TypeError: boom\n    at Object.up (migrations/versions/a1.ts:6:7)'],
    };
    expect(formatError(report).split('\n').slice(0, 2)).toEqual([
      'Error [MIGRATION_FAILED]: Upgrade of revision a1 (/app/migrations/versions/a1.ts) failed: boom',
      'Location: migrations/versions/a1.ts:6:7',
    ]);
    expect(formatError(report)).not.toContain('    at ');
    expect(formatError(report, { verbose: true })).toContain('\nCaused by: TypeError: boom\n    at Object.up (migrations/versions/a1.ts:6:7)\n');
  });
});

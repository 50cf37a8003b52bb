import { DatabaseError, MigrationFailedError } from '@cloudguard/migrate-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandContext } from '../../src/run/command-context.js';

const QUERY_URL = 'postgresql://app@db:5432/cg?sslmode=require&password=s3cr%40t';
const ENV_URL = 'postgresql://deploy:p%40ss%3Aw%2Frd%3F%23@db/cg';
const SECRETS = ['s3cr%40t', 's3cr@t', 'p%40ss%3Aw%2Frd%3F%23', 'p@ss:w/rd?#'];

function context(verbose: boolean): CommandContext {
  return new CommandContext({ command: 'upgrade', bin: 'cgmigrate', argv: ['head', '--url', QUERY_URL], flags: { verbose }, json: false });
}

describe('CommandContext error reports', () => {
  const saved = process.env['DATABASE_URL'];
  afterEach(() => {
    if (saved === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = saved;
  });

  it('masks every spelling of a --url or DATABASE_URL secret in an UNEXPECTED_ERROR stack trace (--verbose)', () => {
    process.env['DATABASE_URL'] = ENV_URL;
    const error = new TypeError(`cannot reach ${QUERY_URL} (s3cr@t) nor ${ENV_URL} (p@ss:w/rd?#)`);
    const report = context(true).report(error);
    expect(report.code).toBe('UNEXPECTED_ERROR');
    expect(report.causes[0]).toContain('TypeError: cannot reach postgresql://app@db:5432/cg?sslmode=require&password=***');
    for (const text of [report.message, ...report.causes]) for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('masks a secret in a typed error, its data and every cause', () => {
    process.env['DATABASE_URL'] = ENV_URL;
    const driver = new Error('password authentication failed: s3cr@t', { cause: new Error(`while using ${ENV_URL}`) });
    const failed = new MigrationFailedError('a1', 'upgrade', '/x/a1.ts', "SELECT 'p@ss:w/rd?#'", [], {
      cause: new DatabaseError('Connecting', { cause: driver }),
    });
    const report = context(true).report(failed);
    const shown = JSON.stringify(report);
    for (const secret of SECRETS) expect(shown).not.toContain(secret);
    expect(report.causes.length).toBeGreaterThanOrEqual(2);
  });
});

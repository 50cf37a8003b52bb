import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { FleetReportInvalidError } from '../../../src/errors.js';
import { readFleetReport, selectUnfinished, summarize, unfinishedTargets, writeFleetReport, type FleetReport } from '../../../src/fleet/fleet-report.js';
import type { TargetOutcome, TargetStatus } from '../../../src/fleet/fleet-runner.js';

let dir: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'cgmigrate-report-')));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const outcome = (name: string, status: TargetStatus): TargetOutcome => ({
  name,
  target: `sqlite:///${name}`,
  status,
  durationMs: status === 'skipped' ? 0 : 12,
  wave: 1,
  ...(status === 'succeeded' ? { revisions: ['c3'] } : {}),
  ...(status === 'failed' ? { revisions: ['b2'], error: { code: 'MIGRATION_FAILED', message: 'Migration c3 failed' } } : {}),
  ...(status === 'interrupted' ? { error: { code: 'INTERRUPTED', message: 'Interrupted by SIGINT' } } : {}),
});

function report(targets: readonly TargetOutcome[]): FleetReport {
  return {
    kind: 'cgmigrate-fleet-report',
    version: 1,
    command: 'upgrade',
    argument: 'head',
    heads: ['c3'],
    startedAt: '2025-01-01T10:00:00.000Z',
    finishedAt: '2025-01-01T10:00:01.000Z',
    durationMs: 1000,
    summary: summarize(targets),
    targets,
  };
}

const targets = (...names: string[]) => names.map((name) => ({ name, url: `sqlite:///${name}` }));

async function rejection(promise: Promise<unknown>): Promise<FleetReportInvalidError> {
  const error: unknown = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(FleetReportInvalidError);
  expect((error as FleetReportInvalidError).code).toBe('FLEET_REPORT_INVALID');
  return error as FleetReportInvalidError;
}

function thrownBy(work: () => unknown): FleetReportInvalidError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(FleetReportInvalidError);
    expect((error as FleetReportInvalidError).code).toBe('FLEET_REPORT_INVALID');
    return error as FleetReportInvalidError;
  }
  throw new Error('expected a throw');
}

describe('summarize', () => {
  it('counts outcomes by status', () => {
    expect(summarize([outcome('a', 'succeeded'), outcome('b', 'failed'), outcome('c', 'failed'), outcome('d', 'interrupted'), outcome('e', 'skipped')])).toEqual({
      total: 5,
      succeeded: 1,
      failed: 2,
      interrupted: 1,
      skipped: 1,
    });
  });
});

describe('writeFleetReport', () => {
  it('writes the report as JSON readable by its owner only, leaving no temporary file', async () => {
    const file = path.join(dir, 'fleet-report.json');
    const written = report([outcome('a.db', 'succeeded'), outcome('b.db', 'failed')]);
    await writeFleetReport(file, written);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['fleet-report.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(written);
    expect(await readFleetReport(file)).toEqual(written);
  });

  it('replaces an earlier report whole, and the new one is 0600 even if the old one was not', async () => {
    const file = path.join(dir, 'fleet-report.json');
    writeFileSync(file, 'old');
    chmodSync(file, 0o644);
    const written = report([outcome('a.db', 'failed')]);
    await writeFleetReport(file, written);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await readFleetReport(file)).toEqual(written);
    expect(readdirSync(dir)).toEqual(['fleet-report.json']);
  });

  it('leaves no temporary file and the old content when it cannot put the report in place', async () => {
    // The report's path is a directory: the rename fails once the new file is written.
    const file = path.join(dir, 'taken');
    mkdirSync(file);
    writeFileSync(path.join(file, 'inside'), 'kept');
    await expect(writeFleetReport(file, report([]))).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(readdirSync(dir)).toEqual(['taken']);
    expect(readdirSync(file)).toEqual(['inside']);
  });

  it('fails in a folder that does not exist', async () => {
    await expect(writeFleetReport(path.join(dir, 'missing', 'report.json'), report([]))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('readFleetReport', () => {
  it('refuses a missing file, a file that is not JSON and JSON that is no fleet report', async () => {
    expect((await rejection(readFleetReport(path.join(dir, 'none.json')))).message).toBe(
      `Cannot resume from fleet report ${path.join(dir, 'none.json')}: no such file`,
    );
    writeFileSync(path.join(dir, 'text.json'), 'not json');
    expect((await rejection(readFleetReport(path.join(dir, 'text.json')))).message).toBe(`Cannot resume from fleet report ${path.join(dir, 'text.json')}: it is not JSON`);
    for (const [name, content] of [
      ['package.json', { name: 'service', version: '1.0.0' }],
      ['null.json', null],
      ['v2.json', { ...report([]), version: 2 }],
      ['no-targets.json', { ...report([]), targets: undefined }],
    ] as const) {
      writeFileSync(path.join(dir, name), JSON.stringify(content));
      expect((await rejection(readFleetReport(path.join(dir, name)))).message).toBe(
        `Cannot resume from fleet report ${path.join(dir, name)}: it is not a report written by --report (kind cgmigrate-fleet-report, version 1)`,
      );
    }
  });
});

describe('selectUnfinished', () => {
  it('takes the targets that failed, were interrupted or skipped, in the order of the source', () => {
    const last = report([outcome('e', 'failed'), outcome('a', 'succeeded'), outcome('d', 'skipped'), outcome('b', 'interrupted'), outcome('c', 'succeeded')]);
    expect(unfinishedTargets(last)).toEqual(['e', 'd', 'b']);
    expect(selectUnfinished(targets('a', 'b', 'c', 'd', 'e', 'f'), last, 'report.json').map((target) => target.name)).toEqual(['b', 'd', 'e']);
  });

  it('takes nothing when every target succeeded', () => {
    expect(selectUnfinished(targets('a', 'b'), report([outcome('a', 'succeeded'), outcome('b', 'succeeded')]), 'report.json')).toEqual([]);
  });

  it('refuses a report naming targets the source does not hold', () => {
    const last = report([outcome('a', 'failed'), outcome('gone', 'failed'), outcome('renamed', 'skipped'), outcome('fine', 'succeeded')]);
    expect(thrownBy(() => selectUnfinished(targets('a', 'b'), last, 'report.json')).message).toBe(
      'Cannot resume from fleet report report.json: it names 2 targets that --targets does not hold (gone, renamed): give the same --targets as the run that wrote it',
    );
    const many = report(['a', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7'].map((name) => outcome(name, 'failed')));
    expect(thrownBy(() => selectUnfinished(targets('a'), many, 'r.json')).message).toContain('it names 7 targets that --targets does not hold (n1, n2, n3, n4, n5, and 2 more)');
    // A target that succeeded last time may be gone: nothing is resumed for it.
    expect(selectUnfinished(targets('a'), report([outcome('a', 'failed'), outcome('old', 'succeeded')]), 'r.json')).toEqual(targets('a'));
  });
});

import { describe, expect, it } from 'vitest';

import { DatabaseError, InterruptedError } from '../../../src/errors.js';
import { runFleet, type FleetEvent, type TargetTask, type TargetWork } from '../../../src/fleet/fleet-runner.js';
import type { FleetTarget } from '../../../src/fleet/fleet-target.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` SQLite file targets: `t01.db`, `t02.db`, … (one host, `local`). */
function fileTargets(count: number, prefix = 't'): FleetTarget[] {
  return Array.from({ length: count }, (_, index) => {
    const name = `${prefix}${String(index + 1).padStart(2, '0')}.db`;
    return { name, url: `sqlite:///${name}` };
  });
}

/**
 * A task that takes `delay(target)` ms and records what ran at once: overall and per
 * key of `group`. It fails for the targets `fail` names, with the error it returns.
 */
function recordingTask(options: { delay?: (target: FleetTarget) => number; group?: (target: FleetTarget) => string; fail?: (target: FleetTarget) => Error | undefined } = {}) {
  const started: string[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let running = 0;
  let maxRunning = 0;
  const task: TargetTask = async (target) => {
    started.push(target.name);
    const key = options.group?.(target) ?? '';
    running++;
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    maxRunning = Math.max(maxRunning, running);
    maxInFlight.set(key, Math.max(maxInFlight.get(key) ?? 0, inFlight.get(key)!));
    try {
      await sleep(options.delay?.(target) ?? 2);
      const error = options.fail?.(target);
      if (error) throw error;
      return { revisions: ['b2'], from: ['a1'], steps: 1 };
    } finally {
      running--;
      inFlight.set(key, inFlight.get(key)! - 1);
    }
  };
  return { task, started, maxInFlight, get maxRunning() { return maxRunning; } };
}

const failing = (names: readonly string[], error: (name: string) => Error = (name) => new Error(`boom on ${name}`)) =>
  (target: FleetTarget): Error | undefined => (names.includes(target.name) ? error(target.name) : undefined);

describe('runFleet', () => {
  it('runs every target, never more than `concurrency` at once, and reports each one in the fleet order', async () => {
    const targets = fileTargets(20);
    // Later targets finish first, so the order of the outcomes is not the order of completion.
    const recorder = recordingTask({ delay: (target) => 25 - Number(target.name.slice(1, 3)) });
    const result = await runFleet(targets, recorder.task, { concurrency: 3 });
    expect(recorder.maxRunning).toBe(3);
    expect(result.stopped).toBeUndefined();
    expect(result.targets.map((outcome) => outcome.name)).toEqual(targets.map((target) => target.name));
    expect(result.targets[0]).toEqual({
      name: 't01.db',
      target: 'sqlite:///t01.db',
      status: 'succeeded',
      revisions: ['b2'],
      from: ['a1'],
      steps: 1,
      durationMs: expect.any(Number),
      wave: 1,
    });
    expect(result.targets.every((outcome) => outcome.status === 'succeeded')).toBe(true);
  });

  it('runs at most `perHost` targets on one server, whatever the concurrency', async () => {
    const onHost = (host: string, count: number): FleetTarget[] =>
      Array.from({ length: count }, (_, index) => ({ name: `${host}/db${index}`, url: `postgresql://app:pw@${host}:5432/db${index}` }));
    // db-b's targets queue behind db-a's: a scheduler that only looked at the head of the queue would run 2 at once.
    const targets = [...onHost('db-a', 6), ...onHost('db-b', 6)];
    const recorder = recordingTask({ delay: () => 5, group: (target) => target.name.split('/')[0]! });
    const result = await runFleet(targets, recorder.task, { concurrency: 10, perHost: 2 });
    expect(recorder.maxInFlight.get('db-a')).toBe(2);
    expect(recorder.maxInFlight.get('db-b')).toBe(2);
    expect(recorder.maxRunning).toBe(4);
    expect(result.targets.filter((outcome) => outcome.status === 'succeeded')).toHaveLength(12);
  });

  it('records each failure with its code and message and runs the rest', async () => {
    const targets = fileTargets(6);
    const task: TargetTask = async (target): Promise<TargetWork> => {
      switch (target.name) {
        case 't02.db':
          throw new DatabaseError('connect', { cause: new Error('unable to open database file') });
        case 't03.db':
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        case 't04.db':
          throw new Error('something odd');
        case 't05.db':
          return { revisions: ['a1'], problem: { code: 'CHECK_FAILED', message: 'the database is not at head' } };
        default:
          return { revisions: ['b2'] };
      }
    };
    const result = await runFleet(targets, task);
    expect(result.targets.map((outcome) => [outcome.name, outcome.status, outcome.error])).toEqual([
      ['t01.db', 'succeeded', undefined],
      ['t02.db', 'failed', { code: 'DATABASE_ERROR', message: 'connect failed: unable to open database file' }],
      ['t03.db', 'failed', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' }],
      ['t04.db', 'failed', { code: 'ERROR', message: 'something odd' }],
      ['t05.db', 'failed', { code: 'CHECK_FAILED', message: 'the database is not at head' }],
      ['t06.db', 'succeeded', undefined],
    ]);
    expect(result.targets[4]!.revisions).toEqual(['a1']);
    expect(result.stopped).toBeUndefined();
  });

  it("masks the target's password in its error and in its description", async () => {
    const url = 'postgresql://app:s3cr%40t@db:5432/cg';
    const task: TargetTask = async (target) => {
      throw new Error(`password authentication failed for ${target.url} (tried s3cr@t, s3cr%40t)`);
    };
    const problem: TargetTask = async () => ({ revisions: [], problem: { code: 'CHECK_FAILED', message: `cannot check ${url}` } });
    const [failed] = (await runFleet([{ name: 'db:5432/cg', url }], task)).targets;
    expect(failed!.target).toBe('postgresql://app:***@db:5432/cg');
    expect(failed!.error!.message).toBe('password authentication failed for postgresql://app:***@db:5432/cg (tried ***, ***)');
    const [found] = (await runFleet([{ name: 'db:5432/cg', url, schema: 'tenant_1' }], problem)).targets;
    expect(found!.target).toBe('postgresql://app:***@db:5432/cg#tenant_1');
    expect(JSON.stringify(found)).not.toContain('s3cr');
  });

  it('stops after a failed canary: later waves are skipped, and `stopped` says where', async () => {
    const targets = fileTargets(10);
    const recorder = recordingTask({ fail: failing(['t01.db']) });
    const events: FleetEvent[] = [];
    const result = await runFleet(targets, recorder.task, { waves: [{ count: 1 }, { percent: 30 }, 'rest'], onEvent: (event) => events.push(event) });
    expect(recorder.started).toEqual(['t01.db']);
    expect(result.stopped).toEqual({ reason: 'max-failures', wave: 1 });
    expect(result.targets.map((outcome) => [outcome.status, outcome.wave])).toEqual([
      ['failed', 1],
      ...Array.from({ length: 3 }, () => ['skipped', 2]),
      ...Array.from({ length: 6 }, () => ['skipped', 3]),
    ]);
    expect(result.targets[1]).toEqual({ name: 't02.db', target: 'sqlite:///t02.db', status: 'skipped', durationMs: 0, wave: 2 });
    expect(events.filter((event) => event.type === 'wave-start')).toEqual([{ type: 'wave-start', wave: 1, size: 1 }]);
    expect(events.at(-1)).toEqual({ type: 'fleet-stopped', reason: 'max-failures', wave: 1 });
  });

  it('goes on to the next wave while a wave stays within maxFailures', async () => {
    const recorder = recordingTask({ fail: failing(['t02.db', 't05.db']) });
    const result = await runFleet(fileTargets(8), recorder.task, { waves: [{ count: 3 }, 'rest'], maxFailures: 1 });
    expect(recorder.started).toHaveLength(8);
    expect(result.stopped).toBeUndefined();
    expect(result.targets.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.name)).toEqual(['t02.db', 't05.db']);
  });

  it('has no failure limit without waves: every target runs', async () => {
    const targets = fileTargets(5);
    const recorder = recordingTask({ fail: () => new Error('down') });
    const result = await runFleet(targets, recorder.task);
    expect(recorder.started).toHaveLength(5);
    expect(result.targets.every((outcome) => outcome.status === 'failed')).toBe(true);
    expect(result.stopped).toBeUndefined();
  });

  it('starts no more targets of a wave once its failures pass maxFailures; those running finish', async () => {
    const targets = fileTargets(6);
    const recorder = recordingTask({ fail: () => new Error('down') });
    const result = await runFleet(targets, recorder.task, { concurrency: 1, maxFailures: 1 });
    expect(recorder.started).toEqual(['t01.db', 't02.db']);
    expect(result.targets.map((outcome) => outcome.status)).toEqual(['failed', 'failed', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(result.stopped).toEqual({ reason: 'max-failures', wave: 1 });
  });

  it('does not call a run stopped when the failures of its last wave leave nothing to skip', async () => {
    const recorder = recordingTask({ fail: failing(['t03.db']) });
    const result = await runFleet(fileTargets(3), recorder.task, { waves: [{ count: 1 }, 'rest'], concurrency: 4 });
    expect(recorder.started).toHaveLength(3);
    expect(result.targets.map((outcome) => outcome.status)).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(result.stopped).toBeUndefined();
  });

  it('on abort, interrupts the targets running, starts nothing new and skips the rest', async () => {
    const controller = new AbortController();
    const started: string[] = [];
    const sawAbort: string[] = [];
    const task: TargetTask = (target, { signal }) => {
      started.push(target.name);
      if (started.length === 2) setTimeout(() => controller.abort(), 5);
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          sawAbort.push(target.name);
          reject(new InterruptedError('SIGINT', [], ['b2'], { heads: ['a1'] }));
        });
      });
    };
    const result = await runFleet(fileTargets(8), task, { concurrency: 2, waves: [{ count: 4 }, 'rest'], signal: controller.signal });
    expect(started).toEqual(['t01.db', 't02.db']);
    expect(sawAbort.sort()).toEqual(['t01.db', 't02.db']);
    expect(result.stopped).toEqual({ reason: 'interrupted', wave: 1 });
    expect(result.targets.map((outcome) => [outcome.name, outcome.status, outcome.wave])).toEqual([
      ['t01.db', 'interrupted', 1],
      ['t02.db', 'interrupted', 1],
      ['t03.db', 'skipped', 1],
      ['t04.db', 'skipped', 1],
      ['t05.db', 'skipped', 2],
      ['t06.db', 'skipped', 2],
      ['t07.db', 'skipped', 2],
      ['t08.db', 'skipped', 2],
    ]);
    expect(result.targets[0]!.error).toEqual({
      code: 'INTERRUPTED',
      message: 'Interrupted by SIGINT: the transaction of b2 was rolled back; the database is at a1',
    });
    // The revisions the interrupted target is left at, as the error tells them.
    expect(result.targets[0]!.revisions).toEqual(['a1']);
  });

  it('runs nothing when its signal is already aborted', async () => {
    const recorder = recordingTask();
    const result = await runFleet(fileTargets(3), recorder.task, { signal: AbortSignal.abort() });
    expect(recorder.started).toEqual([]);
    expect(result.targets.map((outcome) => outcome.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(result.stopped).toEqual({ reason: 'interrupted', wave: 1 });
  });

  it('reports the fleet, its waves and each target as events, in order', async () => {
    const task: TargetTask = async (target, { onEvent }) => {
      onEvent({ type: 'warning', message: `hello from ${target.name}` });
      if (target.name === 't02.db') throw new Error('nope');
      return { revisions: ['b2'] };
    };
    const events: FleetEvent[] = [];
    const result = await runFleet(fileTargets(3), task, { concurrency: 1, waves: [{ count: 1 }, 'rest'], maxFailures: 5, onEvent: (event) => events.push(event) });
    const [first, second, third] = result.targets;
    expect(events).toEqual([
      { type: 'fleet-start', total: 3, waves: [1, 2] },
      { type: 'wave-start', wave: 1, size: 1 },
      { type: 'target-start', name: 't01.db', wave: 1 },
      { type: 'target-event', name: 't01.db', event: { type: 'warning', message: 'hello from t01.db' } },
      { type: 'target-end', outcome: first },
      { type: 'wave-end', wave: 1, failed: 0 },
      { type: 'wave-start', wave: 2, size: 2 },
      { type: 'target-start', name: 't02.db', wave: 2 },
      { type: 'target-event', name: 't02.db', event: { type: 'warning', message: 'hello from t02.db' } },
      { type: 'target-end', outcome: second },
      { type: 'target-start', name: 't03.db', wave: 2 },
      { type: 'target-event', name: 't03.db', event: { type: 'warning', message: 'hello from t03.db' } },
      { type: 'target-end', outcome: third },
      { type: 'wave-end', wave: 2, failed: 1 },
    ]);
  });

  it('does nothing for an empty fleet', async () => {
    const events: FleetEvent[] = [];
    const result = await runFleet([], recordingTask().task, { onEvent: (event) => events.push(event) });
    expect(result.targets).toEqual([]);
    expect(result.stopped).toBeUndefined();
    expect(events).toEqual([{ type: 'fleet-start', total: 0, waves: [] }]);
  });
});

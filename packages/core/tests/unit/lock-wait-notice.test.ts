import { describe, expect, it } from 'vitest';
import type { AdapterConnection, LockHolderListener, LockWait, MigrationLock } from '../../src/adapter/dialect-adapter.js';
import type { MigrationEvent } from '../../src/runtime/events.js';
import { acquireLockReportingWait, LOCK_WAIT_NOTICE_MS, type NoticeClock } from '../../src/runtime/lock-wait-notice.js';

const lock: MigrationLock = { release: async () => {} };
const WAIT: LockWait = { mode: 'wait', timeoutMs: 300_000 };

/** A connection whose lock the test hands over, a clock it moves, and the events sent. */
function harness() {
  let now = 0;
  const timers: { at: number; fire: () => void }[] = [];
  const clock: NoticeClock = {
    now: () => now,
    after: (ms, fire) => {
      const timer = { at: now + ms, fire };
      timers.push(timer);
      return () => timers.splice(timers.indexOf(timer), 1);
    },
  };
  let grant: (() => void) | undefined;
  let deny: ((error: Error) => void) | undefined;
  let onHeld: LockHolderListener | undefined;
  const calls: LockWait[] = [];
  const connection = {
    acquireLock: (wait: LockWait, listener?: LockHolderListener) => {
      calls.push(wait);
      onHeld = listener;
      return new Promise<MigrationLock>((resolve, reject) => {
        grant = () => resolve(lock);
        deny = reject;
      });
    },
  } as unknown as AdapterConnection;
  const events: MigrationEvent[] = [];
  return {
    connection,
    clock,
    events,
    calls,
    listen: (event: MigrationEvent) => events.push(event),
    held: (holder: string | undefined) => onHeld?.(holder),
    advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.fire();
      }
    },
    grant: () => grant?.(),
    deny: (error: Error) => deny?.(error),
    pendingTimers: () => timers.length,
  };
}

describe('acquireLockReportingWait', () => {
  it('reports nothing when the lock is taken within the notice time', async () => {
    const h = harness();
    const taking = acquireLockReportingWait(h.connection, WAIT, h.listen, h.clock);
    h.held('pid 1 on host');
    h.advance(LOCK_WAIT_NOTICE_MS - 1);
    h.grant();
    await expect(taking).resolves.toBe(lock);
    expect(h.events).toEqual([]);
    expect(h.pendingTimers()).toBe(0);
  });

  it('reports the holder the adapter named once the wait lasts, then the end of the wait', async () => {
    const h = harness();
    const taking = acquireLockReportingWait(h.connection, WAIT, h.listen, h.clock);
    h.held('pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z');
    h.advance(LOCK_WAIT_NOTICE_MS);
    h.held('pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z'); // the same again: no new event
    h.advance(2500);
    h.grant();
    await taking;
    expect(h.events).toEqual([
      {
        type: 'lock-wait',
        holder: 'pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z',
        waitedMs: 1000,
        timeoutMs: 300_000,
      },
      { type: 'lock-acquired', waitedMs: 3500 },
    ]);
  });

  it('reports the wait without a holder when the adapter names none, and again when it names one', async () => {
    const h = harness();
    const taking = acquireLockReportingWait(h.connection, WAIT, h.listen, h.clock);
    h.advance(LOCK_WAIT_NOTICE_MS);
    h.advance(200);
    h.held('pid 7 on db-host');
    h.grant();
    await taking;
    expect(h.events.map((event) => (event.type === 'lock-wait' ? [event.holder, event.waitedMs] : event.type))).toEqual([
      [undefined, 1000],
      ['pid 7 on db-host', 1200],
      'lock-acquired',
    ]);
  });

  it('sends no lock-acquired after a wait that ran out, and stops its timer', async () => {
    const h = harness();
    const taking = acquireLockReportingWait(h.connection, WAIT, h.listen, h.clock);
    h.advance(LOCK_WAIT_NOTICE_MS);
    h.deny(new Error('timed out'));
    await expect(taking).rejects.toThrow('timed out');
    expect(h.events.map((event) => event.type)).toEqual(['lock-wait']);
    expect(h.pendingTimers()).toBe(0);
  });

  it('passes no listener and sets no timer in fail mode or when nobody listens', async () => {
    for (const [wait, listen] of [
      [{ mode: 'fail' }, (): void => {}],
      [WAIT, undefined],
    ] as const) {
      const h = harness();
      const taking = acquireLockReportingWait(h.connection, wait, listen, h.clock);
      expect(h.pendingTimers()).toBe(0);
      h.grant();
      await taking;
      expect(h.calls).toEqual([wait]);
    }
  });
});

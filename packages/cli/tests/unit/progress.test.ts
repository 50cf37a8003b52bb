/* eslint-disable no-control-regex -- terminal escape sequences are what these tests look at */
import type { MigrationEvent, StepInfo } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';
import { isLiveTerminal, Progress, type ProgressOptions } from '../../src/render/progress.js';
import { formatDuration, formatTotal } from '../../src/render/steps.js';
import type { Paint } from '../../src/render/style.js';

const CLEAR = '\r\u001B[2K';

function step(revision: string, message: string, from: string[] = []): StepInfo {
  return { direction: 'upgrade', revision, from, to: [revision], message, transactional: true, path: undefined };
}
const a1 = step('a1', 'Create accounts');
const b2 = step('b2', 'Create scans', ['a1']);

/** A fake stderr, a clock the test moves, and timers the test fires. */
function harness(options: ProgressOptions & { isTTY?: boolean; columns?: number } = {}) {
  const writes: string[] = [];
  let now = 1000;
  const ticks = new Set<() => void>();
  const stream = { write: (text: string) => writes.push(text), isTTY: options.isTTY, columns: options.columns };
  const progress = new Progress(stream, {
    now: () => now,
    every: (_ms, tick) => {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
    ...options,
  });
  return {
    progress,
    writes,
    /** What a terminal would show: each `\r` + clear-line erases the line being drawn. */
    screen: () => writes.join('').split('\n').map((line) => line.split(CLEAR).at(-1)).join('\n'),
    advance(ms: number) {
      now += ms;
      for (const tick of ticks) tick();
    },
    ticking: () => ticks.size,
    events(...events: MigrationEvent[]) {
      for (const event of events) progress.handle(event);
    },
  };
}

describe('Progress without a terminal (piped, CI logs)', () => {
  it('writes one plain line per step when it starts, as Alembic logs it, and no total', () => {
    const h = harness({ isTTY: false });
    h.events({ type: 'step-start', step: a1 });
    h.advance(40);
    h.events({ type: 'step-end', step: a1, durationMs: 40 }, { type: 'step-start', step: b2 }, { type: 'step-end', step: b2, durationMs: 5 });
    h.progress.finish({ failed: false });
    expect(h.writes.join('')).toBe('Running upgrade  -> a1, Create accounts\nRunning upgrade a1 -> b2, Create scans\n');
    expect(h.writes.join('')).not.toMatch(/\r|\u001B/);
    expect(h.ticking()).toBe(0);
  });

  it('adds durations and the total with --verbose', () => {
    const h = harness({ isTTY: false, verbose: true });
    h.events({ type: 'step-start', step: a1 });
    h.advance(1500);
    h.events({ type: 'step-end', step: a1, durationMs: 1500 });
    h.progress.finish({ failed: false });
    expect(h.writes.join('')).toBe(
      'Running upgrade  -> a1, Create accounts\n  done in 1.5 s\nUpgraded 1 revision in 1.5 s.\n',
    );
  });

  it('shows only warnings with --quiet', () => {
    const h = harness({ isTTY: true, quiet: true });
    h.events({ type: 'step-start', step: a1 }, { type: 'warning', message: 'a1 was edited' }, { type: 'step-end', step: a1, durationMs: 3 });
    h.progress.finish({ failed: false });
    expect(h.writes.join('')).toBe('Warning: a1 was edited\n');
  });

  it('treats TERM=dumb as no terminal', () => {
    expect(isLiveTerminal({ write: () => true, isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(isLiveTerminal({ write: () => true, isTTY: true }, { TERM: 'xterm-256color' })).toBe(true);
    expect(isLiveTerminal({ write: () => true, isTTY: undefined }, {})).toBe(false);
  });
});

describe('Progress on a terminal', () => {
  it('completes each step with its duration and ends with the total', () => {
    const h = harness({ isTTY: true });
    h.events({ type: 'step-start', step: a1 });
    expect(h.screen()).toBe('Running upgrade  -> a1, Create accounts …');
    h.advance(12);
    h.events({ type: 'step-end', step: a1, durationMs: 12 }, { type: 'step-start', step: b2 });
    h.advance(1488);
    h.events({ type: 'step-end', step: b2, durationMs: 1488 });
    h.progress.finish({ failed: false });
    expect(h.screen()).toBe(
      'Running upgrade  -> a1, Create accounts (12 ms)\nRunning upgrade a1 -> b2, Create scans (1.5 s)\nUpgraded 2 revisions in 1.5 s.\n',
    );
    expect(h.ticking()).toBe(0);
  });

  it('shows the time elapsed on a slow step, redrawn in place', () => {
    const h = harness({ isTTY: true });
    h.events({ type: 'step-start', step: a1 });
    h.advance(1000);
    expect(h.screen()).toBe('Running upgrade  -> a1, Create accounts …');
    h.advance(2000);
    expect(h.screen()).toBe('Running upgrade  -> a1, Create accounts … 3.0 s');
    h.advance(62_000);
    expect(h.screen()).toBe('Running upgrade  -> a1, Create accounts … 1 min 5 s');
  });

  it('ends a failed step on its own line, before the error, with no total', () => {
    const h = harness({ isTTY: true });
    h.events({ type: 'step-start', step: a1 }, { type: 'step-end', step: a1, durationMs: 4 }, { type: 'step-start', step: b2 });
    h.advance(2500);
    h.progress.finish({ failed: true });
    h.progress.finish({ failed: false });
    expect(h.screen()).toBe('Running upgrade  -> a1, Create accounts (4 ms)\nRunning upgrade a1 -> b2, Create scans failed after 2.5 s\n');
    expect(h.ticking()).toBe(0);
  });

  it('prints a warning above the running step and draws the step again', () => {
    const h = harness({ isTTY: true });
    h.events({ type: 'step-start', step: a1 }, { type: 'warning', message: 'lock timeout, retrying' });
    expect(h.screen()).toBe('Warning: lock timeout, retrying\nRunning upgrade  -> a1, Create accounts …');
  });

  it('cuts the running line to the terminal width, so that it can be redrawn', () => {
    const h = harness({ isTTY: true, columns: 30 });
    h.events({ type: 'step-start', step: a1 });
    const drawn = h.screen();
    expect(drawn.length).toBeLessThanOrEqual(29);
    expect(drawn).toBe('Running upgrade  -> a1, Cr… …');
    h.events({ type: 'step-end', step: a1, durationMs: 1 });
    // The finished line is printed whole, for the scrollback.
    expect(h.screen()).toBe('Running upgrade  -> a1, Create accounts (1 ms)\n');
  });

  it('colours only through the painter (NO_COLOR gives a plain one)', () => {
    const paint: Paint = (style, text) => `<${style}>${text}</${style}>`;
    const h = harness({ isTTY: true, paint });
    h.events({ type: 'step-start', step: a1 }, { type: 'step-end', step: a1, durationMs: 7 });
    h.progress.finish({ failed: false });
    expect(h.screen()).toBe(
      '<cyan>Running upgrade</cyan>  -> a1, Create accounts <dim>(7 ms)</dim>\n<green>Upgraded 1 revision in 0 ms.</green>\n',
    );
    const plain = harness({ isTTY: true });
    plain.events({ type: 'step-start', step: a1 }, { type: 'step-end', step: a1, durationMs: 7 });
    expect(plain.writes.join('')).not.toContain('\u001B[3');
  });

  it('prints nothing at the end of a run that had nothing to do', () => {
    const h = harness({ isTTY: true });
    h.progress.finish({ failed: false });
    expect(h.writes).toEqual([]);
  });
});

describe('Progress while the run waits for the migration lock', () => {
  const holder = 'pid 4242 on build-7 (user deploy), holding it since 2025-06-01T09:00:00.000Z';
  const waiting = (waitedMs = 1000, who: string | undefined = holder): MigrationEvent => ({
    type: 'lock-wait',
    holder: who,
    waitedMs,
    timeoutMs: 300_000,
  });
  const line = `Waiting for the migration lock, held by ${holder}; gives up after 5 min 0 s`;

  it('writes whom it waits for, and when it took the lock, as plain lines without a terminal', () => {
    const h = harness({ isTTY: false });
    h.events(waiting(), waiting(1300, 'pid 77 on build-8'), { type: 'lock-acquired', waitedMs: 4200 }, { type: 'step-start', step: a1 });
    expect(h.writes.join('')).toBe(
      `${line}\n` +
        'Waiting for the migration lock, held by pid 77 on build-8; gives up after 5 min 0 s\n' +
        'Took the migration lock after 4.2 s.\n' +
        'Running upgrade  -> a1, Create accounts\n',
    );
    expect(h.ticking()).toBe(0);
  });

  it('counts the time waited on a terminal, then completes the line when the lock is taken', () => {
    const h = harness({ isTTY: true });
    h.events(waiting());
    expect(h.screen()).toBe(`${line} … 1.0 s`);
    h.advance(1000);
    h.advance(1000);
    expect(h.screen()).toBe(`${line} … 3.0 s`);
    h.events({ type: 'lock-acquired', waitedMs: 3100 }, { type: 'step-start', step: a1 });
    expect(h.screen()).toBe(`${line} (took it after 3.1 s)\nRunning upgrade  -> a1, Create accounts …`);
    expect(h.ticking()).toBe(1);
  });

  it('ends the line when the run fails while waiting (the lock timed out, or Ctrl-C)', () => {
    const h = harness({ isTTY: true });
    h.events({ type: 'lock-wait', holder: undefined, waitedMs: 1000, timeoutMs: 300_000 });
    h.advance(4000);
    h.progress.finish({ failed: true });
    expect(h.screen()).toBe('Waiting for the migration lock, held by another run; gives up after 5 min 0 s (stopped after 5.0 s)\n');
    expect(h.ticking()).toBe(0);
  });

  it('shows nothing with --quiet', () => {
    const h = harness({ isTTY: true, quiet: true });
    h.events(waiting(), { type: 'lock-acquired', waitedMs: 1500 });
    h.progress.finish({ failed: false });
    expect(h.writes).toEqual([]);
  });
});

describe('totals and durations', () => {
  it('name the direction and count', () => {
    expect(formatTotal(['downgrade', 'downgrade'], 20)).toBe('Downgraded 2 revisions in 20 ms.');
    expect(formatTotal(['stamp'], 3)).toBe('Stamped 1 revision in 3 ms.');
    expect(formatTotal(['stamp', 'upgrade'], 3)).toBe('Ran 2 steps in 3 ms.');
    expect(formatDuration(999.4)).toBe('999 ms');
    expect(formatDuration(59_940)).toBe('59.9 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});

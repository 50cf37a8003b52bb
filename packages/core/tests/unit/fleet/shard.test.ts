import { describe, expect, it } from 'vitest';

import { isMigrateError } from '../../../src/errors.js';
import { parseShard, selectShard, shardOf } from '../../../src/fleet/shard.js';

/** 1,000 tenant names, as a fleet of `tenant_0001`… would hold. */
const NAMES = Array.from({ length: 1000 }, (_, index) => `tenant_${String(index + 1).padStart(4, '0')}`);
const TARGETS = NAMES.map((name) => ({ name }));

describe('shards', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('split 1,000 targets into %i shards that partition them exactly, each kept in the fleet order', (count) => {
    const shards = Array.from({ length: count }, (_, index) => selectShard(TARGETS, { index: index + 1, count }).map((target) => target.name));
    const taken = shards.flat();
    // Each name in exactly one shard, and every name in one.
    expect(taken).toHaveLength(NAMES.length);
    expect(new Set(taken)).toEqual(new Set(NAMES));
    for (const shard of shards) expect(shard).toEqual(NAMES.filter((name) => shard.includes(name)));
  });

  it.each([2, 3, 4, 5, 6, 7, 8])('give each of %i shards a share within 25% of an even split', (count) => {
    const even = NAMES.length / count;
    for (let index = 1; index <= count; index++) {
      const share = selectShard(TARGETS, { index, count }).length;
      expect(share, `shard ${index}/${count}`).toBeGreaterThanOrEqual(Math.floor(even * 0.75));
      expect(share, `shard ${index}/${count}`).toBeLessThanOrEqual(Math.ceil(even * 1.25));
    }
  });

  it('keep every target in its shard when a target joins the fleet', () => {
    for (let count = 2; count <= 8; count++) {
      const before = new Map(NAMES.map((name) => [name, shardOf(name, count)]));
      const grown = [...TARGETS.slice(0, 500), { name: 'tenant_new' }, ...TARGETS.slice(500)];
      for (let index = 1; index <= count; index++) {
        for (const target of selectShard(grown, { index, count })) {
          if (target.name !== 'tenant_new') expect(before.get(target.name)).toBe(index);
        }
      }
    }
  });

  it('move only targets that go to the new shard when a worker is added (rendezvous hashing)', () => {
    for (let count = 1; count < 8; count++) {
      const moved = NAMES.filter((name) => shardOf(name, count) !== shardOf(name, count + 1));
      for (const name of moved) expect(shardOf(name, count + 1)).toBe(count + 1);
      // About 1/(count + 1) of the names move, not a reshuffle.
      expect(moved.length).toBeLessThan((NAMES.length / (count + 1)) * 1.25);
    }
  });

  it('are the same on every worker: a name always lands in the same shard', () => {
    expect(shardOf('tenants/acme.db', 8)).toBe(shardOf('tenants/acme.db', 8));
    expect(shardOf('anything', 1)).toBe(1);
    expect(selectShard(TARGETS, { index: 1, count: 1 })).toEqual(TARGETS);
  });
});

describe('parseShard', () => {
  it.each([
    ['1/1', { index: 1, count: 1 }],
    ['8/8', { index: 8, count: 8 }],
    [' 3 / 8 ', { index: 3, count: 8 }],
    ['1/8', { index: 1, count: 8 }],
  ])('reads %j', (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each(['0/3', '4/3', '3', 'a/b', '3/0', '-1/3', '1.5/3', '', '3/8/2'])('refuses %j with FLEET_OPTIONS_INVALID naming --shard', (text) => {
    let thrown: unknown;
    try {
      parseShard(text);
    } catch (error) {
      thrown = error;
    }
    expect(isMigrateError(thrown) && thrown.code).toBe('FLEET_OPTIONS_INVALID');
    expect((thrown as Error).message).toBe(
      `Invalid --shard: '${text}' is not I/N with I from 1 to N (e.g. 3/8, or $((JOB_COMPLETION_INDEX+1))/8)`,
    );
  });
});

import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as NodeFs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

/** A file whose reads fail once `readsLeft` reads are used up (see the MIGRATION_FILE_UNREADABLE case). */
const unreadable = vi.hoisted(() => ({ path: undefined as string | undefined, readsLeft: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof NodeFs>();
  const readFileSync = ((file: unknown, ...rest: unknown[]) => {
    if (file === unreadable.path && unreadable.readsLeft-- <= 0) throw Object.assign(new Error(`EACCES: permission denied, open '${String(file)}'`), { code: 'EACCES' });
    return (fs.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});
import type { AuditStore, DialectAdapter } from '../../src/adapter/dialect-adapter.js';
import { acceptEditedMigration } from '../../src/commands/accept-edit.js';
import { check } from '../../src/commands/check.js';
import { createEnvironment } from '../../src/commands/environment.js';
import { history } from '../../src/commands/history.js';
import { stamp } from '../../src/commands/stamp.js';
import { downgrade, upgrade } from '../../src/commands/upgrade.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { MigrationEvent } from '../../src/runtime/events.js';
import { appliedRevisionAudits, describeEditedMigration, findEditedMigrations } from '../../src/runtime/audit.js';
import { RevisionMap } from '../../src/revision/revision-map.js';
import { createMemoryAdapter } from '../../src/testing/memory-adapter.js';
import { acceptEntry, auditEntry } from '../../src/testing/conformance/probes.js';

const IDS = ['a1', 'b2', 'c3'];

async function project() {
  const cwd = mkdtempSync(path.join(tmpdir(), 'cgmigrate-accept-'));
  mkdirSync(path.join(cwd, 'migrations', 'versions'), { recursive: true });
  const files = new Map<string, string>();
  IDS.forEach((id, index) => {
    const file = path.join(cwd, 'migrations', 'versions', `${index}_${id}.mjs`);
    const parent = index === 0 ? 'null' : `'${IDS[index - 1]}'`;
    writeFileSync(file, `export default { revision: '${id}', downRevision: ${parent}, async up(op) { await op.execute('CREATE TABLE t${id}'); }, async down(op) { await op.execute('DROP TABLE t${id}'); } };\n`);
    files.set(id, file);
  });
  const adapter = createMemoryAdapter();
  const config = await loadConfig({ cwd, env: {}, url: 'memory://db', overrides: { adapter } });
  const events: MigrationEvent[] = [];
  const env = createEnvironment(config, { onEvent: (event) => events.push(event) });
  return { env, db: adapter.database('memory://db'), files, events };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const editedWarnings = (events: MigrationEvent[]) => events.filter((e) => e.type === 'warning' && e.code === 'MIGRATION_EDITED');

describe('acceptEditedMigration', () => {
  it('records who, when, why and both checksums; check passes and upgrade stops warning until the file changes again', async () => {
    const { env, db, files, events } = await project();
    await upgrade(env);
    const before = sha256(files.get('b2')!);
    appendFileSync(files.get('b2')!, '// reformatted\n');
    expect((await check(env)).problems.map((p) => p.code)).toEqual(['MIGRATION_EDITED']);

    const accepted = await acceptEditedMigration(env, { revision: 'b2', reason: '  reformatted, reviewed in #412 \n' });
    expect(accepted).toMatchObject({
      revision: 'b2',
      path: files.get('b2'),
      previousChecksum: before,
      checksum: sha256(files.get('b2')!),
      reason: 'reformatted, reviewed in #412',
      acceptedAt: expect.any(Date),
    });
    expect(accepted.acceptedBy).toBeTruthy();
    expect(db.audit?.at(-1)).toMatchObject({
      revision: 'b2',
      direction: 'accept',
      checksum: accepted.checksum,
      previousChecksum: before,
      reason: 'reformatted, reviewed in #412',
    });
    expect(db.versions).toEqual(['c3']);

    expect(await check(env)).toMatchObject({ ok: true, edited: [] });
    events.length = 0;
    await upgrade(env);
    expect(editedWarnings(events)).toEqual([]);

    appendFileSync(files.get('b2')!, '// and again\n');
    const again = await check(env);
    expect(again.edited).toMatchObject([{ revision: 'b2', recordedChecksum: accepted.checksum, accepted: { reason: 'reformatted, reviewed in #412' } }]);
    expect(again.problems[0]!.message).toMatch(
      /^Migration b2 \(.*1_b2\.mjs\) was changed after it was applied on \S+ by \S+ and an edit of it was accepted on \S+ by \S+: its SHA-256 was [0-9a-f]{12}, now [0-9a-f]{12}$/,
    );
    // A second acceptance replaces the first one's checksum.
    const second = await acceptEditedMigration(env, { revision: 'b2', reason: 'comment fixed' });
    expect(second.previousChecksum).toBe(accepted.checksum);
    expect(await check(env)).toMatchObject({ ok: true });
  });

  it('leaves when and by whom a revision was applied to the step, and gives history the acceptance', async () => {
    const { env, db, files } = await project();
    await upgrade(env);
    const applied = db.audit!.find((entry) => entry.revision === 'a1')!;
    appendFileSync(files.get('a1')!, '// x\n');
    const accepted = await acceptEditedMigration(env, { revision: 'a1', reason: 'typo' });
    const { revisions } = await history(env, { withAudit: true });
    const a1 = revisions.find((rev) => rev.id === 'a1')!;
    expect(a1.appliedAt).toEqual(applied.appliedAt);
    expect(a1.acceptedEdit).toEqual({
      acceptedAt: accepted.acceptedAt,
      acceptedBy: accepted.acceptedBy,
      host: accepted.host,
      reason: 'typo',
      previousChecksum: accepted.previousChecksum,
      checksum: accepted.checksum,
      toolVersion: accepted.toolVersion,
    });
    expect(revisions.find((rev) => rev.id === 'b2')!.acceptedEdit).toBeUndefined();
  });

  it('forgets an acceptance once the revision is downgraded and upgraded again', async () => {
    const { env, files } = await project();
    await upgrade(env);
    appendFileSync(files.get('c3')!, '// x\n');
    await acceptEditedMigration(env, { revision: 'c3', reason: 'typo' });
    await downgrade(env, { target: '-1' });
    writeFileSync(files.get('c3')!, readFileSync(files.get('c3')!, 'utf8').replace('// x\n', ''));
    await upgrade(env);
    const { revisions } = await history(env, { withAudit: true });
    expect(revisions.find((rev) => rev.id === 'c3')!.acceptedEdit).toBeUndefined();
    expect(await check(env)).toMatchObject({ ok: true });
  });

  describe('refusals change nothing', () => {
    it.each([
      ['an empty reason', 'a1', ' \n ', { code: 'INVALID_REASON', length: 0, maxLength: 1000 }],
      ['a reason longer than the column', 'a1', 'x'.repeat(1001), { code: 'INVALID_REASON', length: 1001 }],
      ['a revision not applied', 'c3', 'r', { code: 'MIGRATION_NOT_APPLIED', revision: 'c3', current: ['b2'] }],
      ['base', 'base', 'r', { code: 'MIGRATION_NOT_APPLIED', revision: 'base' }],
      ['an unchanged file', 'a1', 'r', { code: 'MIGRATION_NOT_EDITED', revision: 'a1' }],
      ['an unknown revision', 'zz', 'r', { code: 'REVISION_NOT_FOUND' }],
    ])('%s', async (_title, revision, reason, expected) => {
      const { env, db } = await project();
      await upgrade(env, { target: 'b2' });
      const audit = [...db.audit!];
      await expect(acceptEditedMigration(env, { revision, reason })).rejects.toMatchObject(expected);
      expect(db.audit).toEqual(audit);
    });

    it('a stamped revision (no checksum recorded)', async () => {
      const { env, db, files } = await project();
      await stamp(env, { revisions: ['b2'] });
      appendFileSync(files.get('b2')!, '// x\n');
      const audit = [...db.audit!];
      await expect(acceptEditedMigration(env, { revision: 'b2', reason: 'r' })).rejects.toMatchObject({
        code: 'NO_RECORDED_CHECKSUM',
        revision: 'b2',
        direction: 'stamp',
        message: 'The newest audit entry of revision b2 is a stamp without a checksum, so there is no checksum to replace',
      });
      expect(db.audit).toEqual(audit);
    });

    it('a file that cannot be read', async () => {
      const { env, db, files } = await project();
      await upgrade(env);
      const audit = [...db.audit!];
      // Its checksum cannot be taken, as for a file whose mode changed after the scripts were loaded (root reads any mode).
      unreadable.path = files.get('a1')!;
      unreadable.readsLeft = 0;
      try {
        await expect(acceptEditedMigration(env, { revision: 'a1', reason: 'r' })).rejects.toMatchObject({
          code: 'MIGRATION_FILE_UNREADABLE',
          revision: 'a1',
          path: files.get('a1'),
        });
      } finally {
        unreadable.path = undefined;
      }
      expect(db.audit).toEqual(audit);
    });

    it('an audit store that does not keep acceptances', async () => {
      const { env, db, files } = await project();
      await upgrade(env);
      appendFileSync(files.get('a1')!, '// x\n');
      const adapter = env.config.adapter as DialectAdapter;
      // The store of an adapter written before accepted edits: the same methods, without recordsAcceptances.
      const older: DialectAdapter = {
        ...adapter,
        connect: async (options) => {
          const connection = await adapter.connect(options);
          const store = connection.auditStore;
          const auditStore: AuditStore = {
            table: store.table,
            ensure: (session) => store.ensure(session),
            record: (session, entry) => store.record(session, entry),
            latest: (session) => store.latest(session),
          };
          return new Proxy(connection, {
            get: (target, key) => {
              if (key === 'auditStore') return auditStore;
              const value: unknown = Reflect.get(target, key, target);
              return typeof value === 'function' ? value.bind(target) : value;
            },
          });
        },
      };
      const audit = [...db.audit!];
      await expect(acceptEditedMigration({ ...env, config: { ...env.config, adapter: older } }, { revision: 'a1', reason: 'r' })).rejects.toMatchObject({
        code: 'ACCEPT_NOT_SUPPORTED',
        adapter: 'memory',
      });
      expect(db.audit).toEqual(audit);
    });
  });
});

describe('appliedRevisionAudits', () => {
  const map = RevisionMap.from([
    { id: 'a1', downRevisions: [] },
    { id: 'b2', downRevisions: ['a1'] },
  ]);

  it('pairs each applied revision with its step and the acceptance after it', () => {
    const audits = appliedRevisionAudits(map, ['b2'], [
      auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'),
      auditEntry('b2', 'upgrade', '2024-05-01T10:00:01.000Z', 'bb'),
      acceptEntry('a1', '2024-05-02T10:00:00.000Z', 'aa', 'a2', 'typo'),
    ]);
    expect(audits.get('a1')).toMatchObject({ applied: { direction: 'upgrade', checksum: 'aa' }, accepted: { checksum: 'a2', previousChecksum: 'aa', reason: 'typo' } });
    expect(audits.get('b2')).toMatchObject({ applied: { checksum: 'bb' }, accepted: undefined });
  });

  it('ignores an acceptance without a step before it (a store that keeps only the newest row)', () => {
    const audits = appliedRevisionAudits(map, ['b2'], [acceptEntry('a1', '2024-05-02T10:00:00.000Z', 'aa', 'a2', 'typo')]);
    expect(audits.has('a1')).toBe(false);
    expect(findEditedMigrations(map, ['b2'], [acceptEntry('a1', '2024-05-02T10:00:00.000Z', 'aa', 'a2', 'typo')], () => 'zz')).toEqual([]);
  });

  it('describes an edit made after an acceptance', () => {
    const [edited] = findEditedMigrations(
      map,
      ['b2'],
      [auditEntry('a1', 'upgrade', '2024-05-01T10:00:00.000Z', 'aa'), acceptEntry('a1', '2024-05-02T10:00:00.000Z', 'aa', 'a2'.repeat(32), 'typo')],
      () => 'cc'.repeat(32),
    );
    expect(describeEditedMigration(edited!)).toBe(
      'Migration a1 was changed after it was applied on 2024-05-01T10:00:00.000Z by deploy and an edit of it was accepted on ' +
        '2024-05-02T10:00:00.000Z by deploy: its SHA-256 was a2a2a2a2a2a2, now cccccccccccc',
    );
  });
});

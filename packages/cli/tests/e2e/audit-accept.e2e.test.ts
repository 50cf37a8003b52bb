import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, queryTestDatabase } from '../../../../tools/test-db/postgres.js';
import { cgmigrate, fails, MODES, tempProject, testMigrationSource } from './cli.js';

/**
 * `cgmigrate audit accept`: an applied migration edited afterwards fails `check` until
 * the edit is reverted or accepted; accepting it is recorded (who, when, why, old and new
 * SHA-256), `history --verbose` shows it, and a later edit fails `check` again. Each
 * refusal exits with its code and leaves the audit table as it was. Through the built
 * CLI, on a SQLite file and on PostgreSQL.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Backend {
  readonly name: string;
  readonly tags: string[];
  /** A database for one test: its URL, and how many rows its audit table has. */
  open(dir: string): Promise<{ url: string; auditRows: () => Promise<number> }>;
}

const BACKENDS: readonly Backend[] = [
  {
    name: 'SQLite',
    tags: [],
    open: async (dir) => ({
      url: 'sqlite:///app.db',
      auditRows: async () => {
        const db = new DatabaseSync(path.join(dir, 'app.db'), { readOnly: true });
        try {
          return Number((db.prepare('SELECT count(*) AS n FROM cgmigrate_audit').get() as { n: number }).n);
        } finally {
          db.close();
        }
      },
    }),
  },
  {
    name: 'PostgreSQL',
    tags: ['postgres'],
    open: async () => {
      const db = await createTestDatabase('cgm_audit_accept');
      cleanups.push(() => db.drop());
      return {
        url: db.url,
        auditRows: async () => (await queryTestDatabase<{ n: number }>(db.url, 'SELECT count(*)::int AS n FROM cgmigrate_audit'))[0]!.n,
      };
    },
  },
];

function project(url: string, dir: string): void {
  mkdirSync(path.join(dir, 'migrations', 'versions'), { recursive: true });
  for (const [id, parent] of [
    ['r001', null],
    ['r002', 'r001'],
    ['r003', 'r002'],
  ] as const) {
    writeFileSync(migrationPath(dir, id), testMigrationSource({ id, parent, up: `    await op.execute('CREATE TABLE t_${id} (id INTEGER)');` }));
  }
  writeFileSync(path.join(dir, 'cgmigrate.config.json'), JSON.stringify({ url }));
}

function migrationPath(dir: string, id: string): string {
  return path.join(dir, 'migrations', 'versions', `${id}.ts`);
}

const CHECKSUM = '[0-9a-f]{12}';

describe.each(BACKENDS)('cgmigrate audit accept ($name)', (backend) => {
  it('accepts a reviewed edit: check passes, upgrade stops warning, history --verbose shows it, a later edit fails check again', { tags: backend.tags, timeout: 120_000 }, async () => {
    const { dir: cwd, cleanup } = tempProject();
    cleanups.push(cleanup);
    const db = await backend.open(cwd);
    project(db.url, cwd);
    expect((await cgmigrate(['upgrade', 'head'], { cwd })).code).toBe(0);
    const appliedBefore = (await cgmigrate(['history', '--verbose'], { cwd })).stdout;

    appendFileSync(migrationPath(cwd, 'r001'), '// a comment added after the deploy\n');
    const edited = await cgmigrate(['check'], { cwd });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(new RegExp(`^Migration r001 \\(.*r001\\.ts\\) was changed after it was applied on \\S+ by \\S+: its SHA-256 was ${CHECKSUM}, now ${CHECKSUM}\\n$`));
    expect(edited.stderr).toContain('accept it: `cgmigrate audit accept r001 --reason "…"`');
    expect((await cgmigrate(['upgrade', 'head'], { cwd })).stderr).toMatch(/^Warning: Migration r001 /m);
    const rows = await db.auditRows();

    const accept = await cgmigrate(['audit', 'accept', 'r001', '--reason', 'reformatted', '--json'], { cwd });
    expect(accept.code, accept.stderr).toBe(0);
    const result = accept.json<Record<string, string>>();
    expect(result).toEqual({
      revision: 'r001',
      path: migrationPath(cwd, 'r001'),
      previousChecksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      checksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      reason: 'reformatted',
      acceptedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      acceptedBy: userInfo().username,
      host: hostname(),
      toolVersion: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(result['previousChecksum']).not.toBe(result['checksum']);
    expect(await db.auditRows()).toBe(rows + 1);

    const clean = await cgmigrate(['check'], { cwd });
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toBe('');
    expect((await cgmigrate(['upgrade', 'head'], { cwd })).stderr).not.toContain('Warning: Migration r001');

    const history = await cgmigrate(['history', '--verbose'], { cwd });
    expect(history.code).toBe(0);
    const r001 = history.stdout.slice(history.stdout.indexOf('Rev: r001'));
    // When and by whom it was applied still come from the upgrade, not from the acceptance.
    const applied = /^Applied: .*$/m.exec(appliedBefore.slice(appliedBefore.indexOf('Rev: r001')))![0];
    expect(r001).toContain(`${applied}\n`);
    expect(r001).toContain(
      `Edit accepted: ${result['acceptedAt']} by ${userInfo().username} on ${hostname()}: "reformatted" ` +
        `(SHA-256 ${result['previousChecksum']!.slice(0, 12)} -> ${result['checksum']!.slice(0, 12)})\n`,
    );

    appendFileSync(migrationPath(cwd, 'r001'), '// and another edit\n');
    const again = await cgmigrate(['check'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      new RegExp(`^Migration r001 \\(.*\\) was changed after it was applied on .* and an edit of it was accepted on ${result['acceptedAt']} by \\S+: its SHA-256 was ${result['checksum']!.slice(0, 12)}, now ${CHECKSUM}\\n$`),
    );
  });

  it.each(MODES)('%s mode: each refusal names what is wrong and what to do, exits non-zero, and records nothing', { tags: backend.tags, timeout: 120_000 }, async (mode) => {
    const { dir: cwd, cleanup } = tempProject();
    cleanups.push(cleanup);
    const db = await backend.open(cwd);
    project(db.url, cwd);
    expect((await cgmigrate(['upgrade', 'r002'], { cwd })).code).toBe(0);
    const rows = await db.auditRows();
    const refusals: [string[], string, number, RegExp, RegExp][] = [
      [['r003'], 'MIGRATION_NOT_APPLIED', 1, /^Revision r003 is not applied to this database \(it is at r002\)/, /may change freely until it runs/],
      [['r002'], 'MIGRATION_NOT_EDITED', 1, /^Migration r002 \(.*r002\.ts\) is unchanged: its SHA-256 [0-9a-f]{12} is the one recorded/, /Nothing to do/],
      [['base'], 'MIGRATION_NOT_APPLIED', 1, /^Revision base is not applied/, /cgmigrate current/],
    ];
    for (const [args, code, exit, message, hint] of refusals) {
      const refused = await fails(mode, ['audit', 'accept', ...args, '--reason', 'reformatted'], cwd, { code, exit });
      expect(refused.message).toMatch(message);
      expect(refused.hint).toMatch(hint);
    }
    const blank = await fails(mode, ['audit', 'accept', 'r001', '--reason', '  '], cwd, { code: 'INVALID_REASON', exit: 2 });
    expect(blank.message).toBe('The reason for accepting the edit is empty');
    const long = await fails(mode, ['audit', 'accept', 'r001', '--reason', 'x'.repeat(1001)], cwd, { code: 'INVALID_REASON', exit: 2 });
    expect(long.message).toBe('The reason for accepting the edit is 1001 characters long; the audit table keeps at most 1000');
    expect(long.hint).toContain('at most 1000 characters');
    expect(await db.auditRows()).toBe(rows);

    // A stamped revision ran no code and recorded no checksum: check never compares it.
    expect((await cgmigrate(['stamp', 'r003'], { cwd })).code).toBe(0);
    appendFileSync(migrationPath(cwd, 'r003'), '// edited\n');
    const stampedRows = await db.auditRows();
    const stamped = await fails(mode, ['audit', 'accept', 'head', '--reason', 'reformatted'], cwd, { code: 'NO_RECORDED_CHECKSUM', exit: 1 });
    expect(stamped.message).toBe('The newest audit entry of revision r003 is a stamp without a checksum, so there is no checksum to replace');
    expect(stamped.hint).toContain('never compares its file');
    expect(await db.auditRows()).toBe(stampedRows);
    expect(stampedRows).toBe(rows + 1);

    const missing = await cgmigrate(mode === 'json' ? ['audit', 'accept', 'r001', '--json'] : ['audit', 'accept', 'r001'], { cwd });
    expect(missing.code).toBe(2);
    expect(missing.stdout + missing.stderr).toContain('Missing required flag reason');
  });
});

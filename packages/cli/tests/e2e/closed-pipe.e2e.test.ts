import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, tempProject } from './cli.js';

/** Enough revisions that `history` prints far more than a pipe buffer (64 KiB) holds. */
const REVISIONS = 2000;

const project = tempProject();

beforeAll(() => {
  const versions = path.join(project.dir, 'migrations', 'versions');
  mkdirSync(versions, { recursive: true });
  writeFileSync(path.join(project.dir, 'cgmigrate.config.json'), JSON.stringify({ url: 'sqlite:///app.db', scriptLocation: 'migrations' }));
  let parent: string | null = null;
  for (let i = 0; i < REVISIONS; i++) {
    const revision = `rev${String(i).padStart(6, '0')}`;
    const source =
      `export default {\n  revision: '${revision}',\n  downRevision: ${parent === null ? 'null' : `'${parent}'`},\n` +
      `  message: 'Revision number ${i} with a message long enough to fill the pipe',\n  async up() {},\n  async down() {},\n};\n`;
    writeFileSync(path.join(versions, `${revision}.ts`), source);
    parent = revision;
  }
});

afterAll(() => project.cleanup());

describe('output into a pipe its reader closes early', () => {
  it.each([[[]], [['CGMIGRATE_NO_FAST_PATH=1']]])('`history | head -n 1` prints the first line, no EPIPE stack trace, exit 0 (%j)', (assignments) => {
    const script = `${assignments.join(' ')} "${process.execPath}" "${BIN}" history 2>stderr.txt | head -n 1; echo "status=\${PIPESTATUS[0]}"; cat stderr.txt`;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    // As cgmigrate() in cli.ts: Nx sets FORCE_COLOR, which makes Node warn about NO_COLOR.
    delete env['FORCE_COLOR'];
    delete env['DATABASE_URL'];
    const result = spawnSync('bash', ['-c', script], { cwd: project.dir, encoding: 'utf8', env });
    expect(result.stdout).toBe(`rev001998 -> rev001999 (head), Revision number 1999 with a message long enough to fill the pipe\nstatus=0\n`);
  });
});

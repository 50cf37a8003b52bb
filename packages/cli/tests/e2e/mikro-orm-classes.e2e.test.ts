import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

import { cgmigrate, loadedModules, tables, tempProject, TRACE_HOOK, versionRows } from './cli.js';

const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

const CREATE_USERS = `import { Migration } from '@mikro-orm/migrations';

export class Migration20241116000001 extends Migration {
  static revision = '1f0c3a9b2d4e';
  static downRevision = null;

  override async up(): Promise<void> {
    this.addSql('create table "user" ("id" integer primary key, "email" text not null)');
    this.addSql("insert into \\"user\\" (\\"email\\") values ('a@example.com')");
  }

  override async down(): Promise<void> {
    this.addSql('drop table "user"');
  }
}
`;

const USER_STATS = `import { Migration } from '@mikro-orm/migrations';

export class Migration20241117000000 extends Migration {
  static revision = '2b7e';
  static downRevision = '1f0c3a9b2d4e';

  override async up(): Promise<void> {
    const [{ n }] = await this.execute('select count(*) as n from "user"');
    await this.getEntityManager().execute('create table "user_stats" ("users" integer)');
    this.addSql(\`insert into "user_stats" values (\${n})\`);
  }
}
`;

/** Runs the CLI with an import tracer and returns what it printed and every module it loaded. */
async function traced(args: string[], cwd: string) {
  const traceFile = path.join(cwd, `trace-${Math.random().toString(36).slice(2)}.txt`);
  const run = await cgmigrate(args, { cwd, env: { CGMIGRATE_TRACE_FILE: traceFile }, nodeArgs: ['--import', TRACE_HOOK] });
  return { run, modules: loadedModules(traceFile) };
}

describe('MikroORM migration classes through the CLI', () => {
  const project = tempProject();
  afterAll(() => project.cleanup());
  // The project installs @mikro-orm/migrations itself: its classes extend that copy, not the one in the CLI's bundle.
  symlinkSync(REPO_NODE_MODULES, path.join(project.dir, 'node_modules'), 'dir');
  mkdirSync(path.join(project.dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(path.join(project.dir, 'migrations', 'versions', '1f0c3a9b2d4e_create_users.ts'), CREATE_USERS);
  writeFileSync(path.join(project.dir, 'migrations', 'versions', '2b7e_user_stats.ts'), USER_STATS);
  const url = ['--url', 'sqlite:///app.db'];
  const mikroOrm = (modules: readonly string[]) => modules.filter((module) => /@mikro-orm\//.test(module));

  it('upgrade runs the classes of the project’s own @mikro-orm/migrations', async () => {
    const { run, modules } = await traced(['upgrade', 'head', ...url, '--lint', 'off'], project.dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('Running upgrade 1f0c3a9b2d4e -> 2b7e, Migration20241117000000');
    expect(versionRows(path.join(project.dir, 'app.db'))).toEqual(['2b7e']);
    expect(tables(path.join(project.dir, 'app.db'))).toEqual(['alembic_version', 'cgmigrate_audit', 'user', 'user_stats']);
    // Two copies of MikroORM's Migration met: the project's, loaded file by file, and the one in the
    // CLI's bundle (named by the chunk's source map); the class extends the first.
    expect(mikroOrm(modules).filter((module) => module.endsWith('/@mikro-orm/migrations/Migration.js'))).toHaveLength(2);
  });

  it('current, heads and history read the classes’ headers without loading MikroORM', async () => {
    for (const args of [['current', ...url], ['heads'], ['history']]) {
      const { run, modules } = await traced(args, project.dir);
      expect(run.code, run.stderr).toBe(0);
      expect(mikroOrm(modules), args.join(' ')).toEqual([]);
    }
    expect((await cgmigrate(['history'], { cwd: project.dir })).stdout).toContain('1f0c3a9b2d4e -> 2b7e (head), Migration20241117000000');
  });
});

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

import { cgmigrate, fails, loadedModules, MODES, tables, tempProject, TRACE_HOOK, versionRows } from './cli.js';

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

/** The project's entities: `User` of the "user" table CREATE_USERS makes, and `Tag`, which MikroORM rejects (no primary key). */
const ENTITIES = `import { defineEntity, EntitySchema, p } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  properties: {
    id: p.integer().primary(),
    email: p.string(),
  },
});

export const Tag = new EntitySchema({ name: 'Tag', properties: { label: { type: 'string' } } });
`;

/** A data migration on the entities: find, insert, create with flush, and the query builder. */
const NORMALIZE_EMAILS = `import { Migration } from '@mikro-orm/migrations';
import { User } from '../../src/entities.ts';

export class Migration20241201000000 extends Migration {
  static revision = '5a7c0e2d9b14';
  static downRevision = '1f0c3a9b2d4e';
  static message = 'Normalize e-mail addresses';

  override async up(): Promise<void> {
    const em = this.getEntityManager();
    for (const user of await em.find(User, {})) user.email = user.email.toUpperCase();
    await em.insert(User, { email: 'inserted@example.com' });
    em.create(User, { email: 'created@example.com' });
    await em.flush();
    const created = await em.createQueryBuilder(User).where({ email: { $like: '%@example.com' } }).getCount();
    await em.createQueryBuilder(User).update({ email: \`\${created} created\` }).where({ email: 'created@example.com' }).execute();
  }
}
`;

describe('MikroORM migration classes through the CLI: this.getEntityManager() knows the entities of cgmigrate.config.ts', () => {
  /** A project whose cgmigrate.config.ts lists `entities` (as given) from src/entities.ts. */
  function entitiesProject(entities: string) {
    const project = tempProject();
    symlinkSync(REPO_NODE_MODULES, path.join(project.dir, 'node_modules'), 'dir');
    mkdirSync(path.join(project.dir, 'migrations', 'versions'), { recursive: true });
    mkdirSync(path.join(project.dir, 'src'));
    writeFileSync(path.join(project.dir, 'src', 'entities.ts'), ENTITIES);
    writeFileSync(
      path.join(project.dir, 'cgmigrate.config.ts'),
      `import { Tag, User } from './src/entities.ts';\n\nexport default { url: 'sqlite:///app.db', entities: ${entities} };\n`,
    );
    writeFileSync(path.join(project.dir, 'migrations', 'versions', '1f0c3a9b2d4e_create_users.ts'), CREATE_USERS);
    writeFileSync(path.join(project.dir, 'migrations', 'versions', '5a7c0e2d9b14_normalize_emails.ts'), NORMALIZE_EMAILS);
    return project;
  }
  const users = (dir: string) => {
    const db = new DatabaseSync(path.join(dir, 'app.db'), { readOnly: true });
    try {
      return db.prepare('SELECT id, email FROM "user" ORDER BY id').all().map((row) => ({ ...row }));
    } finally {
      db.close();
    }
  };

  it('upgrade runs a data migration that finds, inserts, creates, flushes and builds queries on the configured entities', async () => {
    const project = entitiesProject('[User]');
    try {
      const run = await cgmigrate(['upgrade', 'head', '--lint', 'off'], { cwd: project.dir });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('Running upgrade 1f0c3a9b2d4e -> 5a7c0e2d9b14, Normalize e-mail addresses');
      expect(users(project.dir)).toEqual([
        { id: 1, email: 'A@EXAMPLE.COM' },
        { id: 2, email: 'inserted@example.com' },
        // SQLite's LIKE ignores case: the upper-cased address counts too.
        { id: 3, email: '3 created' },
      ]);
      expect(versionRows(path.join(project.dir, 'app.db'))).toEqual(['5a7c0e2d9b14']);
    } finally {
      project.cleanup();
    }
  });

  it('without the entity in the config, the failing migration says to list it there; nothing of the revision stays', async () => {
    const project = entitiesProject('[]');
    try {
      const run = await cgmigrate(['upgrade', 'head', '--lint', 'off'], { cwd: project.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Upgrade of revision 5a7c0e2d9b14');
      expect(run.stderr).toContain(
        'Metadata for entity User not found: this.getEntityManager() knows the entities listed in `entities` of the cgmigrate config, ' +
          'and none are listed; add it there (`entities: [User, …]` in cgmigrate.config.ts)',
      );
      expect(versionRows(path.join(project.dir, 'app.db'))).toBeUndefined();
    } finally {
      project.cleanup();
    }
  });

  for (const mode of MODES) {
    it(`entities MikroORM rejects fail the first getEntityManager() with CONFIG_INVALID, exit 2 (${mode})`, async () => {
      const project = entitiesProject('[User, Tag]');
      try {
        const { message, hint, run } = await fails(mode, ['upgrade', 'head', '--lint', 'off'], project.dir, { code: 'CONFIG_INVALID', exit: 2 });
        expect(message).toBe(
          'Invalid configuration: entities: MikroORM could not discover them for this.getEntityManager() in revision 5a7c0e2d9b14 ' +
            `(${path.join(project.dir, 'migrations', 'versions', '5a7c0e2d9b14_normalize_emails.ts')}): Tag entity is missing @PrimaryKey()`,
        );
        expect(hint).toBe(
          "Fix the entity definitions listed in `entities` of cgmigrate.config.ts where MikroORM's reason points: autogenerate, " +
            "the schema check and migration classes' this.getEntityManager() all have MikroORM discover that list.",
        );
        if (mode === 'json') expect(run.json<{ error: { key: string } }>().error.key).toBe('entities');
        // The first revision ran in the same transaction, and was rolled back with it.
        expect(versionRows(path.join(project.dir, 'app.db'))).toBeUndefined();
      } finally {
        project.cleanup();
      }
    });
  }
});

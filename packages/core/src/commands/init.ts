import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FileExistsError } from '../errors.js';
import { DEFAULT_REVISION_TEMPLATE, REVISION_TEMPLATE_FILE } from '../script/revision-template.js';

/** Options of {@link init}. */
export interface InitOptions {
  /** The script location to create, relative to `cwd`. Default `migrations`. */
  readonly directory?: string | undefined;
  /** Project directory, where `cgmigrate.config.ts` is written. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
}

/** What {@link init} wrote. */
export interface InitResult {
  /** The script location (absolute). */
  readonly scriptLocation: string;
  readonly configPath: string;
  readonly templatePath: string;
  /** Every file and folder created, absolute. */
  readonly created: readonly string[];
  /** Files left as they were because they already existed. */
  readonly skipped: readonly string[];
}

/**
 * Creates a migration environment: the script location with `versions/` and the
 * revision template, and `cgmigrate.config.ts` (left alone when it already exists).
 *
 * ### Examples
 * ```ts
 * await init({ cwd: '/srv/cloudguard' }); // writes cgmigrate.config.ts and migrations/
 * ```
 * @throws {FileExistsError} when the script location exists and is not empty.
 */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const scriptLocation = path.resolve(cwd, options.directory ?? 'migrations');
  if (existsSync(scriptLocation) && readdirSync(scriptLocation).length > 0) {
    throw new FileExistsError(scriptLocation);
  }
  const created: string[] = [];
  const skipped: string[] = [];
  const versionsDir = path.join(scriptLocation, 'versions');
  if (!existsSync(scriptLocation)) created.push(scriptLocation);
  mkdirSync(versionsDir, { recursive: true });
  created.push(versionsDir);
  writeFileSync(path.join(versionsDir, '.gitkeep'), '');

  const templatePath = path.join(scriptLocation, REVISION_TEMPLATE_FILE);
  writeFileSync(templatePath, DEFAULT_REVISION_TEMPLATE, { flag: 'wx' });
  created.push(templatePath);

  const configPath = path.join(cwd, 'cgmigrate.config.ts');
  if (existsSync(configPath)) {
    skipped.push(configPath);
  } else {
    const relative = path.relative(cwd, scriptLocation).split(path.sep).join('/') || '.';
    writeFileSync(configPath, configTemplate(relative), { flag: 'wx' });
    created.push(configPath);
  }
  return { scriptLocation, configPath, templatePath, created, skipped };
}

function configTemplate(scriptLocation: string): string {
  return `import type { MigrateConfig } from '@cloudguard/migrate-core';

/**
 * cgmigrate configuration. Every key is optional.
 *
 * The database URL is taken from --url, then the DATABASE_URL environment variable,
 * then \`url\` below, then sqlite:///cloudguard.db.
 */
export default {
  scriptLocation: ${JSON.stringify(scriptLocation).replaceAll('"', "'")},
  // url: 'sqlite:///cloudguard.db',
  // versionTable: 'alembic_version',
  // fileTemplate: '%(year)d%(month).2d%(day).2d_%(rev)s_%(slug)s',
  // transactionPerMigration: false,
} satisfies MigrateConfig;
`;
}

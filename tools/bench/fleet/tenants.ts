/**
 * The tenants of one tool in one workload, fresh before every run: a folder of SQLite
 * files (copies of one empty database), or a throwaway PostgreSQL database holding one
 * empty schema per tenant (the database dropped with `WITH (FORCE)` and created again:
 * faster than dropping thousands of tables schema by schema, and it also ends sessions
 * a killed run left).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { postgresUrl, sh, testServerUrl } from '../upgrade/database.ts';
import type { Dialect } from './options.ts';

interface TenantsBase {
  readonly dialect: Dialect;
  /** `tenant_0001`, … */
  readonly names: readonly string[];
  /** Per tenant, the URL one single-database run takes: `sqlite:////abs/tenant_0001.db`, or `postgresql://…/db#tenant_0001`. */
  readonly urls: readonly string[];
  /** A file of {@link urls}, one a line: a fleet's `--targets FILE`, and what the per-tenant loops read. */
  readonly urlsFile: string;
  /** Shell command that leaves every tenant empty (hyperfine's `--prepare`). */
  readonly reset: string;
  /** Shell command that removes them for good. */
  readonly drop: string;
}

/** SQLite tenants: one file each, in one folder. */
export interface SqliteTenants extends TenantsBase {
  readonly dialect: 'sqlite';
  readonly folder: string;
  readonly files: readonly string[];
  /** A file of {@link files}, one a line. */
  readonly filesFile: string;
}

/** PostgreSQL tenants: one schema each, in one database. */
export interface PostgresTenants extends TenantsBase {
  readonly dialect: 'postgresql';
  readonly database: string;
  /** The database's URL, without a schema. */
  readonly databaseUrl: string;
  /** A file of {@link names} (the schemas), one a line. */
  readonly schemasFile: string;
}

export type Tenants = SqliteTenants | PostgresTenants;

/** `tenant_0001`, …: the same names in every tool's fleet. */
export function tenantNames(count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, index) => `tenant_${String(index + 1).padStart(width, '0')}`);
}

/** A file of `lines`, one a line. */
function writeLines(file: string, lines: readonly string[]): string {
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * `count` SQLite tenants for a tool in `dir`: the files live in `dir/tenants/`, and
 * `reset.sh` removes that folder and copies an empty database (`template.db`, a
 * valid file with no tables, as provisioning would leave it) to each tenant's name.
 */
export function sqliteTenants(dir: string, count: number): SqliteTenants {
  const folder = path.join(dir, 'tenants');
  const names = tenantNames(count);
  const files = names.map((name) => path.join(folder, `${name}.db`));
  const template = path.join(dir, 'template.db');
  execFileSync('sqlite3', [template, 'CREATE TABLE x (a); DROP TABLE x; VACUUM;']);
  const filesFile = writeLines(path.join(dir, 'tenant-files.txt'), files);
  const resetScript = path.join(dir, 'reset.sh');
  writeFileSync(
    resetScript,
    `rm -rf ${sh(folder)} && mkdir ${sh(folder)} || exit 1\nfor file in $(cat ${sh(filesFile)}); do cp ${sh(template)} "$file" || exit 1; done\n`,
  );
  const urls = files.map((file) => `sqlite:///${file}`);
  return {
    dialect: 'sqlite',
    names,
    urls,
    urlsFile: writeLines(path.join(dir, 'tenant-urls.txt'), urls),
    reset: `sh ${sh(resetScript)}`,
    drop: `rm -rf ${sh(folder)}`,
    folder,
    files,
    filesFile,
  };
}

/**
 * `count` PostgreSQL tenants for a tool: the schemas `tenant_0001`, … of the throwaway
 * database `database`, made again, empty, by `reset`.
 */
export function postgresTenants(dir: string, database: string, count: number): PostgresTenants {
  mkdirSync(dir, { recursive: true });
  const names = tenantNames(count);
  const databaseUrl = postgresUrl(database);
  const schemasSql = path.join(dir, 'create-schemas.sql');
  writeLines(schemasSql, names.map((name) => `CREATE SCHEMA "${name}";`));
  const psql = (url: string) => `psql ${sh(url)} -q -X -v ON_ERROR_STOP=1`;
  const drop = `${psql(testServerUrl())} -c ${sh(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)}`;
  const urls = names.map((name) => `${databaseUrl}#${name}`);
  return {
    dialect: 'postgresql',
    names,
    urls,
    urlsFile: writeLines(path.join(dir, 'tenant-urls.txt'), urls),
    reset: `${drop} -c ${sh(`CREATE DATABASE "${database}"`)} && ${psql(databaseUrl)} -f ${sh(schemasSql)}`,
    drop,
    database,
    databaseUrl,
    schemasFile: writeLines(path.join(dir, 'tenant-schemas.txt'), names),
  };
}

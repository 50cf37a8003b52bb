/**
 * The throwaway databases of a workload: an SQLite file per tool, removed before
 * every run, or a PostgreSQL database per tool, dropped and created again before
 * every run (`DROP DATABASE … WITH (FORCE)` also ends sessions a killed run left).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { sleep } from '../revision-graph/cpu-load.ts';
import type { Dialect } from './options.ts';

/** The PostgreSQL server the tests use too (an administrative database on it). */
export function testServerUrl(): string {
  return process.env['CGMIGRATE_TEST_PG_URL'] || 'postgresql://postgres@127.0.0.1:5432/postgres';
}

/** One tool's database in one workload. */
export interface BenchDatabase {
  readonly dialect: Dialect;
  /** `sqlite:////abs/path.db` or `postgresql://user@host:port/name`. */
  readonly url: string;
  /** The SQLite file, or the PostgreSQL database name. */
  readonly target: string;
  /** Shell command that leaves an empty database (hyperfine's `--prepare`). */
  readonly reset: string;
  /** Shell command that removes it for good. */
  readonly drop: string;
}

/** Single-quotes a word for `sh`. */
export function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The server URL with `database` as its path. */
export function postgresUrl(database: string): string {
  const url = new URL(testServerUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

/** The database `tool` uses in workload `workloadId`, in `dir` for SQLite. */
export function benchDatabase(dialect: Dialect, workloadId: string, tool: string, dir: string): BenchDatabase {
  if (dialect === 'sqlite') {
    const file = path.join(dir, `${tool}.db`);
    const files = [file, `${file}-journal`, `${file}-wal`, `${file}-shm`, `${file}.cgmigrate-lock`].map(sh).join(' ');
    return { dialect, url: `sqlite:///${file}`, target: file, reset: `rm -f ${files}`, drop: `rm -f ${files}` };
  }
  const name = `cgm_bench_${workloadId.replace(/\W/g, '_')}_${tool.replace(/\W/g, '_')}`;
  const admin = sh(testServerUrl());
  const dropSql = sh(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  const drop = `psql ${admin} -q -X -v ON_ERROR_STOP=1 -c ${dropSql}`;
  return {
    dialect,
    url: postgresUrl(name),
    target: name,
    reset: `${drop} -c ${sh(`CREATE DATABASE "${name}"`)}`,
    drop,
  };
}

/** How many of the workload's tables (`t_…`) the database holds now. */
export function countTables(db: BenchDatabase): number {
  const result =
    db.dialect === 'sqlite'
      ? spawnSync('sqlite3', [db.target, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name GLOB 't_[0-9]*'"], { encoding: 'utf8' })
      : spawnSync('psql', [db.url, '-AtX', '-c', "SELECT count(*) FROM pg_tables WHERE tablename ~ '^t_[0-9]+$'"], { encoding: 'utf8' });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`counting tables in ${db.target} failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

/** What a PostgreSQL database's server processes did, in ms (from `pg_stat_database`). */
export interface ServerTimes {
  /** Running statements. */
  readonly activeMs: number;
  /** Inside a transaction, waiting for the client's next statement. */
  readonly idleInTransactionMs: number;
}

/**
 * The server times `db` has added up so far, once every session on it has ended (a
 * session's figures reach `pg_stat_database` when it ends); `undefined` for SQLite.
 */
export function serverTimes(db: BenchDatabase): ServerTimes | undefined {
  if (db.dialect !== 'postgresql') return undefined;
  const name = db.target.replaceAll("'", "''");
  const sql =
    `SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'), ` +
    `coalesce(active_time, 0), coalesce(idle_in_transaction_time, 0) FROM pg_stat_database WHERE datname = '${name}'`;
  const deadline = performance.now() + 10_000;
  for (;;) {
    const result = spawnSync('psql', [testServerUrl(), '-AtX', '-F', ' ', '-c', sql], { encoding: 'utf8' });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`reading pg_stat_database for ${db.target} failed: ${result.stderr}`);
    const [sessions, activeMs, idleInTransactionMs] = result.stdout.trim().split(' ').map(Number);
    if (sessions === 0) return { activeMs: activeMs!, idleInTransactionMs: idleInTransactionMs! };
    if (performance.now() > deadline) throw new Error(`${db.target} still has ${sessions} sessions 10 s after its tool exited`);
    sleep(20);
  }
}

/** `to - from`, each figure. */
export function serverTimesBetween(from: ServerTimes, to: ServerTimes): ServerTimes {
  return { activeMs: to.activeMs - from.activeMs, idleInTransactionMs: to.idleInTransactionMs - from.idleInTransactionMs };
}

/** Runs a shell command to completion, or throws with its output. */
export function shell(command: string, cwd: string): void {
  const result = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`\`${command.slice(0, 300)}\` exited with ${result.status ?? result.signal}:\n${tail}`);
  }
}

/**
 * Whether a tool brought every tenant to head: each tenant holds exactly the tables
 * its migrations create (`t_…`) and an `alembic_version` with the head as its one row,
 * and no table of the workload landed anywhere else.
 */
import { spawnSync } from 'node:child_process';
import type { RevisionGraph } from '../revision-graph/graph.ts';
import type { PostgresTenants, SqliteTenants, Tenants } from './tenants.ts';

/** The tables the migrations create, sorted, comma-separated. */
function expectedTables(graph: RevisionGraph): string {
  return graph.revisions
    .flatMap((rev) => rev.up.map((sql) => /^CREATE TABLE (\w+)/.exec(sql)?.[1] ?? ''))
    .filter((table) => table !== '')
    .sort()
    .join(',');
}

function capture(program: string, args: readonly string[]): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { ok: result.status === 0, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** What is wrong with one tenant, compared with the head and the tables expected. */
function judge(name: string, tables: string, versions: string | undefined, graph: RevisionGraph, expected: string): string | undefined {
  if (versions === undefined) return `${name}: no alembic_version table`;
  if (versions !== graph.head) return `${name}: alembic_version holds '${versions}', not the head '${graph.head}'`;
  if (tables !== expected) return `${name}: tables ${tables || '(none)'} instead of the ${expected.split(',').length} expected`;
  return undefined;
}

const TABLES_SQL =
  "SELECT (SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 't_[0-9]*' ORDER BY name)), " +
  "(SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version')";

function sqliteProblems(tenants: SqliteTenants, graph: RevisionGraph, expected: string): string[] {
  return tenants.files.flatMap((file, index) => {
    const name = tenants.names[index]!;
    const read = capture('sqlite3', ['-readonly', '-separator', '|', file, TABLES_SQL]);
    if (!read.ok) return [`${name}: ${read.stderr}`];
    const [tables = '', hasVersionTable] = read.stdout.split('|');
    let versions: string | undefined;
    if (hasVersionTable === '1') {
      const rows = capture('sqlite3', ['-readonly', file, "SELECT group_concat(version_num, ',') FROM alembic_version"]);
      versions = rows.ok ? rows.stdout : `(unreadable: ${rows.stderr})`;
    }
    const problem = judge(name, tables, versions, graph, expected);
    return problem === undefined ? [] : [problem];
  });
}

function postgresProblems(tenants: PostgresTenants, graph: RevisionGraph, expected: string): string[] {
  const psql = (sql: string) => {
    const read = capture('psql', [tenants.databaseUrl, '-AtX', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
    if (!read.ok) throw new Error(`reading ${tenants.database} failed: ${read.stderr}`);
    return read.stdout === '' ? [] : read.stdout.split('\n').map((line) => line.split('|'));
  };
  const tables = new Map<string, string>();
  const versionTables = new Set<string>();
  const problems: string[] = [];
  for (const [schema = '', list = '', hasVersionTable] of psql(
    "SELECT schemaname, string_agg(tablename, ',' ORDER BY tablename) FILTER (WHERE tablename ~ '^t_[0-9]+$'), " +
      "bool_or(tablename = 'alembic_version') FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') GROUP BY schemaname",
  )) {
    if (!tenants.names.includes(schema)) {
      if (list !== '') problems.push(`schema ${schema}, not a tenant, holds the workload's tables ${list}`);
      continue;
    }
    tables.set(schema, list);
    if (hasVersionTable === 't') versionTables.add(schema);
  }
  const versions = new Map<string, string>();
  if (versionTables.size > 0) {
    const union = [...versionTables]
      .map((schema) => `SELECT '${schema}', coalesce(string_agg(version_num, ','), '') FROM "${schema}".alembic_version`)
      .join(' UNION ALL ');
    for (const [schema = '', list = ''] of psql(union)) versions.set(schema, list);
  }
  for (const name of tenants.names) {
    const problem = judge(name, tables.get(name) ?? '', versions.get(name), graph, expected);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** Throws, listing the first problems, unless every tenant is at head with every table. */
export function assertTenantsAtHead(label: string, tenants: Tenants, graph: RevisionGraph): void {
  const expected = expectedTables(graph);
  const problems = tenants.dialect === 'sqlite' ? sqliteProblems(tenants, graph, expected) : postgresProblems(tenants, graph, expected);
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('\n  ');
    throw new Error(`${label}: ${problems.length} of ${tenants.names.length} tenants are not at head with their tables:\n  ${shown}`);
  }
}

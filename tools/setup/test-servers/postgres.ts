/**
 * The PostgreSQL server the tests use: `postgres` without a password on 127.0.0.1:5432 (the
 * default of `tools/test-db/postgres.ts`), or a server named by `CGMIGRATE_TEST_PG_URL`.
 *
 * When 5432 does not let `postgres` in that way (a fresh Debian install asks TCP clients for
 * a password), the setup does not edit that cluster's `pg_hba.conf`: it creates a cluster of
 * its own, `cgmigrate_test`, on the next free port, with trust on loopback and started only
 * when the tests need it, and hands its URL to the tests. The machine's own cluster is only
 * started when it is down.
 */
import { existsSync, readdirSync } from 'node:fs';

import { TEST_REQUIREMENTS, type TestRequirement } from '../../test-db/test-requirements.ts';
import { capture, hasAptGet, withoutClientDefaults } from './machine.ts';
import { ready, redactUrl, unavailable, type Login, type RequirementPlan, type SetupStep } from './plan.ts';

const POSTGRESQL = TEST_REQUIREMENTS.find((requirement) => requirement.tag === 'postgres') as TestRequirement;

/** The server the tests use unless `CGMIGRATE_TEST_PG_URL` names another. */
const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The cluster the setup creates when the default one cannot be used as the tests need. */
export const TEST_CLUSTER = 'cgmigrate_test';

/** A Debian cluster, as `pg_lsclusters` lists it. */
export interface PostgresCluster {
  readonly version: string;
  readonly name: string;
  readonly port: number;
  readonly online: boolean;
}

/** What the PostgreSQL plan is decided from. */
export interface PostgresFacts {
  /** `CGMIGRATE_TEST_PG_URL`, when set: a server of the user's own, which the setup never changes. */
  readonly ownUrl?: string;
  /** Logging in as the tests do, at `ownUrl` or at the default. */
  readonly login: Login;
  readonly aptGet: boolean;
  /** The installed server versions, oldest first (looked at only when the login failed). */
  readonly versions: readonly string[];
  /** The Debian clusters (looked at only when the login failed). */
  readonly clusters: readonly PostgresCluster[];
  /** Logging in at the test cluster, when it exists and is online. */
  readonly testClusterLogin?: Login;
}

/** Looks at the machine: one `psql` when the server lets the tests in, a few more commands when not. */
export function probePostgres(env: NodeJS.ProcessEnv): PostgresFacts {
  const ownUrl = env['CGMIGRATE_TEST_PG_URL'] || undefined;
  const login = postgresLogin(ownUrl ?? DEFAULT_URL, env);
  if (ownUrl !== undefined) return { ownUrl, login, aptGet: hasAptGet(), versions: [], clusters: [] };
  if (login.ok) return { login, aptGet: hasAptGet(), versions: [], clusters: [] };
  const clusters = postgresClusters();
  const testCluster = clusters.find((cluster) => cluster.name === TEST_CLUSTER && cluster.online);
  return {
    login,
    aptGet: hasAptGet(),
    versions: postgresVersions(),
    clusters,
    ...(testCluster ? { testClusterLogin: postgresLogin(testClusterUrl(testCluster.port), env) } : {}),
  };
}

/** Decides what to do, from the facts alone. */
export function planPostgres(facts: PostgresFacts): RequirementPlan {
  const { login } = facts;
  if (facts.ownUrl !== undefined) {
    const where = `${redactUrl(facts.ownUrl)} (CGMIGRATE_TEST_PG_URL)`;
    if (login.ok) return ready(POSTGRESQL, `${where} lets the tests in`);
    return unavailable(POSTGRESQL, `${where}: ${login.error}`, `${where} does not let the tests in: ${login.error}`);
  }
  if (login.ok) return ready(POSTGRESQL, '127.0.0.1:5432 lets postgres in without a password');

  const testCluster = facts.clusters.find((cluster) => cluster.name === TEST_CLUSTER);
  if (testCluster !== undefined) {
    const label = `the test cluster ${testCluster.version}/${TEST_CLUSTER} on port ${testCluster.port}`;
    if (!testCluster.online) {
      return work(`${label} is down`, [], [startCluster(testCluster)], 'the tests use it once it is up');
    }
    if (facts.testClusterLogin?.ok) {
      return ready(POSTGRESQL, `${label} lets postgres in without a password`, {
        CGMIGRATE_TEST_PG_URL: testClusterUrl(testCluster.port),
      });
    }
    const error = facts.testClusterLogin?.ok === false ? facts.testClusterLogin.error : 'not looked at';
    return unavailable(
      POSTGRESQL,
      `${label}: ${error}`,
      `${label} does not let postgres in without a password (${error}); remove it with ` +
        `pg_dropcluster --stop ${testCluster.version} ${TEST_CLUSTER} and run the tests again`,
    );
  }

  const stopped = facts.clusters.find((cluster) => cluster.port === 5432 && !cluster.online);
  if (stopped !== undefined) {
    return work(
      `the PostgreSQL ${stopped.version} cluster '${stopped.name}' on port 5432 is down`,
      [],
      [startCluster(stopped)],
      `if it lets postgres in without a password once up, the tests use it; if not, a cluster '${TEST_CLUSTER}' is created for them`,
    );
  }

  const version = facts.versions.at(-1);
  if (version === undefined) {
    if (!facts.aptGet) {
      return unavailable(
        POSTGRESQL,
        'not installed',
        'PostgreSQL is not installed, and this is not Debian; install it, or set CGMIGRATE_TEST_PG_URL',
      );
    }
    return work('not installed', ['postgresql'], [], `a cluster '${TEST_CLUSTER}' is created for the tests`);
  }
  return work(
    login.refused ? `nothing answers on 127.0.0.1:5432 (${login.error})` : `127.0.0.1:5432 does not let postgres in without a password (${login.error})`,
    [],
    [createTestCluster(version), startCluster({ version, name: TEST_CLUSTER })],
    'the tests use that cluster',
  );
}

function work(found: string, packages: string[], steps: SetupStep[], next: string): RequirementPlan {
  return { requirement: POSTGRESQL, found, packages, steps, next, env: {} };
}

function startCluster(cluster: Pick<PostgresCluster, 'version' | 'name'>): SetupStep {
  // pg_ctlcluster goes through systemctl itself when systemd runs the services.
  return {
    does: `start the PostgreSQL ${cluster.version} cluster '${cluster.name}'`,
    argv: ['pg_ctlcluster', cluster.version, cluster.name, 'start'],
  };
}

function createTestCluster(version: string): SetupStep {
  return {
    does:
      `create a PostgreSQL ${version} cluster '${TEST_CLUSTER}' for the tests, on the next free port, ` +
      'letting local TCP clients in without a password, started only when the tests need it',
    argv: ['pg_createcluster', '--start-conf=manual', version, TEST_CLUSTER, '--', '--auth-host=trust', '--auth-local=peer'],
  };
}

function testClusterUrl(port: number): string {
  return `postgresql://postgres@127.0.0.1:${port}/postgres`;
}

/** Logs in with `psql` as the tests do: no password prompt, no ~/.pgpass, no PG* defaults but the URL's password. */
function postgresLogin(url: string, env: NodeJS.ProcessEnv): Login {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, refused: false, error: 'not a URL' };
  }
  const password = decodeURIComponent(target.password);
  target.password = '';
  const result = capture(['psql', '-w', '-X', '-A', '-t', '-q', '-c', 'SELECT 1', target.toString()], {
    ...withoutClientDefaults(env, ['PG']),
    // A path that cannot exist: no ~/.pgpass, and no warning about an odd file.
    PGPASSFILE: '/dev/null/pgpass',
    PGCONNECT_TIMEOUT: '5',
    ...(password ? { PGPASSWORD: password } : {}),
  });
  if (result.missing) return { ok: false, refused: true, error: 'psql is not installed' };
  if (result.status === 0 && result.stdout.trim() === '1') return { ok: true };
  const message = result.stderr.split('\n').find((line) => line.startsWith('psql: error: ')) ?? result.stderr.split('\n')[0] ?? '';
  const error = message.replace(/^psql: error: (connection to server .*? failed: )?/, '').trim() || `psql exited with ${result.status}`;
  return { ok: false, refused: /Connection refused|Is the server running|timeout expired|No such file or directory/i.test(result.stderr), error };
}

function postgresClusters(): PostgresCluster[] {
  const listed = capture(['pg_lsclusters', '--no-header']);
  if (listed.status !== 0) return [];
  return listed.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns.length >= 4)
    .map(([version = '', name = '', port = '', status = '']) => ({
      version,
      name,
      port: Number(port),
      online: status.startsWith('online'),
    }));
}

function postgresVersions(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => existsSync(`${root}/${version}/bin/postgres`))
    .sort((a, b) => Number(a) - Number(b));
}

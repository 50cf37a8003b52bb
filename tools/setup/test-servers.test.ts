import { describe, expect, it } from 'vitest';

import { TEST_REQUIREMENTS, type TestRequirement } from '../test-db/test-requirements.ts';
import { planAlembic, type AlembicFacts } from './test-servers/alembic.ts';
import { planMariaDb, type MariaDbFacts } from './test-servers/mariadb.ts';
import { planLines } from './test-servers/plan-text.ts';
import type { Login, SetupStep } from './test-servers/plan.ts';
import { planPostgres, TEST_CLUSTER, type PostgresCluster, type PostgresFacts } from './test-servers/postgres.ts';
import { SetUpError, setUpTestRequirements } from './test-servers/set-up.ts';

const OK: Login = { ok: true };
const REFUSED: Login = { ok: false, refused: true, error: 'connection refused' };
const DENIED: Login = { ok: false, refused: false, error: 'fe_sendauth: no password supplied' };

const postgres = (facts: Partial<PostgresFacts>): PostgresFacts => ({ login: REFUSED, aptGet: true, versions: [], clusters: [], ...facts });
const mariadb = (facts: Partial<MariaDbFacts>): MariaDbFacts => ({ login: REFUSED, installed: true, aptGet: true, systemd: false, ...facts });
const main15 = (online: boolean): PostgresCluster => ({ version: '15', name: 'main', port: 5432, online });
const argvs = (steps: readonly SetupStep[]) => steps.map((step) => step.argv.join(' '));

describe('planPostgres', () => {
  it('does nothing when 127.0.0.1:5432 lets postgres in without a password', () => {
    const plan = planPostgres(postgres({ login: OK }));
    expect(plan).toMatchObject({ packages: [], steps: [], env: {} });
    expect(plan.unavailable).toBeUndefined();
  });

  it("starts the machine's cluster on 5432 when it is down, and looks again", () => {
    const plan = planPostgres(postgres({ versions: ['15'], clusters: [main15(false)] }));
    expect(argvs(plan.steps)).toEqual(['pg_ctlcluster 15 main start']);
    expect(plan.next).toContain(`a cluster '${TEST_CLUSTER}' is created`);
  });

  it('creates and starts a test cluster of the newest version when 5432 asks for a password, leaving that cluster alone', () => {
    const plan = planPostgres(postgres({ login: DENIED, versions: ['13', '15'], clusters: [main15(true)] }));
    expect(argvs(plan.steps)).toEqual([
      `pg_createcluster --start-conf=manual 15 ${TEST_CLUSTER} -- --auth-host=trust --auth-local=peer`,
      `pg_ctlcluster 15 ${TEST_CLUSTER} start`,
    ]);
    expect(plan.found).toContain('fe_sendauth: no password supplied');
  });

  it('installs Debian\'s postgresql when no server is installed, and creates the test cluster after', () => {
    const plan = planPostgres(postgres({}));
    expect(plan).toMatchObject({ packages: ['postgresql'], steps: [] });
  });

  it('gives up, with the reason, when no server is installed and this is not Debian', () => {
    const plan = planPostgres(postgres({ aptGet: false }));
    expect(plan.packages).toEqual([]);
    expect(plan.unavailable).toBe('PostgreSQL is not installed, and this is not Debian; install it, or set CGMIGRATE_TEST_PG_URL');
  });

  it('hands the tests the URL of the test cluster once it lets postgres in, and starts it when it is down', () => {
    const cluster = { version: '15', name: TEST_CLUSTER, port: 5433 };
    const up = planPostgres(postgres({ login: DENIED, versions: ['15'], clusters: [main15(true), { ...cluster, online: true }], testClusterLogin: OK }));
    expect(up).toMatchObject({ steps: [], env: { CGMIGRATE_TEST_PG_URL: 'postgresql://postgres@127.0.0.1:5433/postgres' } });
    const down = planPostgres(postgres({ login: DENIED, versions: ['15'], clusters: [main15(true), { ...cluster, online: false }] }));
    expect(argvs(down.steps)).toEqual([`pg_ctlcluster 15 ${TEST_CLUSTER} start`]);
  });

  it('says how to remove a test cluster that does not let postgres in', () => {
    const cluster = { version: '15', name: TEST_CLUSTER, port: 5433, online: true };
    const plan = planPostgres(postgres({ login: DENIED, versions: ['15'], clusters: [cluster], testClusterLogin: DENIED }));
    expect(plan.unavailable).toContain(`pg_dropcluster --stop 15 ${TEST_CLUSTER}`);
  });

  it("never touches a server of the user's own: it answers, or the tests are skipped with the reason, its password hidden", () => {
    const ownUrl = 'postgresql://app:s3cret@db.example:5432/app';
    expect(planPostgres(postgres({ ownUrl, login: OK })).unavailable).toBeUndefined();
    const plan = planPostgres(postgres({ ownUrl, login: REFUSED }));
    expect(plan).toMatchObject({ packages: [], steps: [] });
    expect(plan.unavailable).toBe('postgresql://app:***@db.example:5432/app (CGMIGRATE_TEST_PG_URL) does not let the tests in: connection refused');
  });
});

describe('planMariaDb', () => {
  it('does nothing when 127.0.0.1:3306 lets root in without a password', () => {
    expect(planMariaDb(mariadb({ login: OK }))).toMatchObject({ packages: [], steps: [] });
  });

  it('installs mariadb-server when it is missing', () => {
    expect(planMariaDb(mariadb({ installed: false }))).toMatchObject({ packages: ['mariadb-server'], steps: [] });
  });

  it('starts the server when it does not answer, through systemd when systemd runs the services, and waits until it answers', () => {
    const byHand = planMariaDb(mariadb({}));
    expect(argvs(byHand.steps)).toEqual([
      'install -d -o mysql -g mysql /run/mysqld',
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql',
    ]);
    expect(byHand.steps[1]?.until).toContain('ping');
    expect(argvs(planMariaDb(mariadb({ systemd: true })).steps)).toEqual(['systemctl start mariadb']);
  });

  it('lets root in over TCP without a password when the server asks for one (Debian lets root in through the socket only)', () => {
    const plan = planMariaDb(mariadb({ login: { ok: false, refused: false, error: "ERROR 1698 (28000): Access denied for user 'root'@'localhost'" } }));
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]?.argv.slice(0, 4)).toEqual(['mariadb', '-u', 'root', '-e']);
    expect(plan.steps[0]?.argv[4]).toContain("GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1'");
  });
});

describe('planAlembic', () => {
  const alembic = (facts: Partial<AlembicFacts>): AlembicFacts => ({ python: '/usr/bin/python3', ownPython: false, found: 'no', aptGet: true, ...facts });

  it("installs python3-alembic and python3-psycopg2 for Debian's Python when it lacks them, and installs nothing into a Python of the user's", () => {
    expect(planAlembic(alembic({ found: 'yes' })).packages).toEqual([]);
    expect(planAlembic(alembic({})).packages).toEqual(['python3-alembic', 'python3-psycopg2']);
    const own = planAlembic(alembic({ python: '/opt/py/bin/python', ownPython: true, found: 'missing-python' }));
    expect(own).toMatchObject({ packages: [], unavailable: '/opt/py/bin/python does not exist (CGMIGRATE_ALEMBIC_PYTHON)' });
  });
});

describe('planLines (--plan)', () => {
  it('shows each command as it would run, what it does, and what comes after', () => {
    expect(planLines(planPostgres(postgres({})))).toEqual([
      'PostgreSQL: not installed.',
      '    apt-get update -qq    # refresh the package lists',
      '    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql    # install postgresql',
      `  then a cluster '${TEST_CLUSTER}' is created for the tests.`,
    ]);
  });
});

/**
 * A machine the setup's commands change, in memory: what a fresh Debian install does at
 * each step (a cluster on 5432 that asks TCP clients for a password, a MariaDB that lets
 * root in through the socket only), so the rounds are checked from nothing to ready.
 */
class FakeMachine {
  readonly ran: string[] = [];
  installed = new Set<string>();
  mainOnline = false;
  testCluster: PostgresCluster | undefined;
  mariaDbUp = false;
  rootLetIn = false;

  plan = (requirement: TestRequirement) => {
    switch (requirement.tag) {
      case 'postgres':
        return planPostgres({
          login: this.mainOnline ? DENIED : REFUSED,
          aptGet: true,
          versions: this.installed.has('postgresql') ? ['15'] : [],
          clusters: [...(this.installed.has('postgresql') ? [main15(this.mainOnline)] : []), ...(this.testCluster ? [this.testCluster] : [])],
          ...(this.testCluster?.online ? { testClusterLogin: OK } : {}),
        });
      case 'mariadb':
        return planMariaDb(mariadb({ installed: this.installed.has('mariadb-server'), login: !this.mariaDbUp ? REFUSED : this.rootLetIn ? OK : DENIED }));
      case 'alembic':
        return planAlembic({ python: '/usr/bin/python3', ownPython: false, found: this.installed.has('python3-alembic') ? 'yes' : 'no', aptGet: true });
    }
  };

  run = (step: SetupStep) => {
    const line = step.argv.join(' ');
    this.ran.push(line);
    if (step.argv[1] === 'install' && step.argv[0] === 'apt-get') for (const name of step.argv.slice(4)) this.installed.add(name);
    if (line === 'pg_ctlcluster 15 main start') this.mainOnline = true;
    if (step.argv[0] === 'pg_createcluster') this.testCluster = { version: '15', name: TEST_CLUSTER, port: 5433, online: false };
    if (line === `pg_ctlcluster 15 ${TEST_CLUSTER} start` && this.testCluster) this.testCluster = { ...this.testCluster, online: true };
    if (step.argv[0] === 'start-stop-daemon') this.mariaDbUp = true;
    if (step.argv[0] === 'mariadb') this.rootLetIn = true;
  };
}

describe('setUpTestRequirements', () => {
  const options = (machine: FakeMachine, root: boolean, log: string[]) => ({
    requirements: TEST_REQUIREMENTS,
    plan: machine.plan,
    run: machine.run,
    root,
    log: (line: string) => log.push(line),
    setupCommand: '/usr/bin/node /repo/tools/setup/test-servers.ts',
  });

  it('as root, on a machine with none of it: one apt-get for all packages, then starts, a test cluster, root let in; the tests get its URL', () => {
    const machine = new FakeMachine();
    const env = setUpTestRequirements(options(machine, true, []));
    expect(machine.ran).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq postgresql mariadb-server python3-alembic python3-psycopg2',
      'pg_ctlcluster 15 main start',
      'install -d -o mysql -g mysql /run/mysqld',
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql',
      `pg_createcluster --start-conf=manual 15 ${TEST_CLUSTER} -- --auth-host=trust --auth-local=peer`,
      `pg_ctlcluster 15 ${TEST_CLUSTER} start`,
      expect.stringMatching(/^mariadb -u root -e /),
    ]);
    expect(env).toEqual({ CGMIGRATE_TEST_PG_URL: 'postgresql://postgres@127.0.0.1:5433/postgres' });
  });

  it('as another user: runs nothing, says what to run as root, and skips the tests that need each missing part, with the reason', () => {
    const machine = new FakeMachine();
    machine.installed = new Set(['postgresql', 'mariadb-server', 'python3-alembic', 'python3-psycopg2']);
    machine.mariaDbUp = true;
    machine.rootLetIn = true;
    const log: string[] = [];
    const env = setUpTestRequirements(options(machine, false, log));
    expect(machine.ran).toEqual([]);
    expect(env).toEqual({ CGMIGRATE_SKIP_PG: "PostgreSQL: the PostgreSQL 15 cluster 'main' on port 5432 is down, and setting it up needs root" });
    expect(log).toContain('test setup:     pg_ctlcluster 15 main start    # start the PostgreSQL 15 cluster \'main\'');
    expect(log).toContain('test setup:   Or let the setup do all of it:  sudo /usr/bin/node /repo/tools/setup/test-servers.ts');
    expect(log).toContain('test setup:   Or set CGMIGRATE_TEST_PG_URL to use your own.');
  });

  it('as root, fails naming the command when one fails', () => {
    const machine = new FakeMachine();
    const failing = { ...options(machine, true, []), run: () => { throw new Error('exit status 100'); } };
    expect(() => setUpTestRequirements(failing)).toThrow(new SetUpError('test setup: could not refresh the package lists: exit status 100'));
  });

  it('as root, fails when the commands did not change what they should have, instead of looping', () => {
    const machine = new FakeMachine();
    machine.installed = new Set(['postgresql', 'mariadb-server', 'python3-alembic', 'python3-psycopg2']);
    machine.mariaDbUp = true;
    machine.rootLetIn = true;
    const stuck = { ...options(machine, true, []), run: () => {} };
    expect(() => setUpTestRequirements(stuck)).toThrow(/PostgreSQL: still the PostgreSQL 15 cluster 'main' on port 5432 is down/);
  });
});

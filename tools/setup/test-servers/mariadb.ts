/**
 * The MariaDB server the tests use: `root` without a password on 127.0.0.1:3306 (the default
 * of `tools/test-db/mariadb.ts`), or a server named by `CGMIGRATE_TEST_MARIADB_URL`.
 *
 * A fresh Debian install lets `root` in only through the socket, as the system's root
 * (`unix_socket`). The setup then adds a password-less login over TCP from the same
 * machine: `root@127.0.0.1`, and on `root@localhost` the empty password beside
 * `unix_socket`, because a server that resolves host names sees 127.0.0.1 as `localhost`.
 */
import { existsSync } from 'node:fs';

import { TEST_REQUIREMENTS, type TestRequirement } from '../../test-db/test-requirements.ts';
import { capture, hasAptGet, hasSystemd, withoutClientDefaults } from './machine.ts';
import { ready, redactUrl, unavailable, type Login, type RequirementPlan, type SetupStep } from './plan.ts';

const MARIADB = TEST_REQUIREMENTS.find((requirement) => requirement.tag === 'mariadb') as TestRequirement;

/** The server the tests use unless `CGMIGRATE_TEST_MARIADB_URL` names another. */
const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/mysql';

const SERVER = '/usr/sbin/mariadbd';

/** What the MariaDB plan is decided from. */
export interface MariaDbFacts {
  /** `CGMIGRATE_TEST_MARIADB_URL`, when set: a server of the user's own, which the setup never changes. */
  readonly ownUrl?: string;
  /** Logging in as the tests do, at `ownUrl` or at the default. */
  readonly login: Login;
  /** Whether Debian's server (`mariadbd`) is installed. */
  readonly installed: boolean;
  readonly aptGet: boolean;
  readonly systemd: boolean;
}

/** Looks at the machine: one `mariadb` login, and whether the server is installed. */
export function probeMariaDb(env: NodeJS.ProcessEnv): MariaDbFacts {
  const ownUrl = env['CGMIGRATE_TEST_MARIADB_URL'] || undefined;
  return {
    ...(ownUrl !== undefined ? { ownUrl } : {}),
    login: mariaDbLogin(ownUrl ?? DEFAULT_URL, env),
    installed: existsSync(SERVER),
    aptGet: hasAptGet(),
    systemd: hasSystemd(),
  };
}

/** Decides what to do, from the facts alone. */
export function planMariaDb(facts: MariaDbFacts): RequirementPlan {
  const { login } = facts;
  if (facts.ownUrl !== undefined) {
    const where = `${redactUrl(facts.ownUrl)} (CGMIGRATE_TEST_MARIADB_URL)`;
    if (login.ok) return ready(MARIADB, `${where} lets the tests in`);
    return unavailable(MARIADB, `${where}: ${login.error}`, `${where} does not let the tests in: ${login.error}`);
  }
  if (login.ok) return ready(MARIADB, '127.0.0.1:3306 lets root in without a password');
  if (!facts.installed) {
    if (!facts.aptGet) {
      return unavailable(
        MARIADB,
        'not installed',
        'MariaDB is not installed, and this is not Debian; install it, or set CGMIGRATE_TEST_MARIADB_URL',
      );
    }
    return work('not installed', ['mariadb-server'], [], 'it is started if it is down, and root let in from 127.0.0.1');
  }
  if (login.refused) {
    return work(`nothing answers on 127.0.0.1:3306 (${login.error})`, [], startServer(facts.systemd), 'root is let in from 127.0.0.1 if it is not yet');
  }
  return work(`127.0.0.1:3306 does not let root in without a password (${login.error})`, [], [letRootIn()], 'the tests use it');
}

function work(found: string, packages: string[], steps: SetupStep[], next: string): RequirementPlan {
  return { requirement: MARIADB, found, packages, steps, next, env: {} };
}

function startServer(systemd: boolean): SetupStep[] {
  const answers = ['mariadb-admin', '--no-defaults', '--protocol=tcp', '-h', '127.0.0.1', '-P', '3306', '--connect-timeout=2', 'ping'];
  if (systemd) return [{ does: 'start MariaDB', argv: ['systemctl', 'start', 'mariadb'], until: answers }];
  return [
    // Debian's init scripts make the socket's folder; started by hand, the server needs it made.
    { does: 'make the folder of the server socket', argv: ['install', '-d', '-o', 'mysql', '-g', 'mysql', '/run/mysqld'] },
    {
      does: 'start MariaDB in the background',
      argv: ['start-stop-daemon', '--start', '--oknodo', '--background', '--exec', SERVER, '--', '--user=mysql'],
      until: answers,
    },
  ];
}

function letRootIn(): SetupStep {
  const sql = [
    "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'",
    "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ''",
    "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION",
    "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')",
  ].join('; ');
  return {
    does: 'let root in over TCP from 127.0.0.1 without a password (through the socket, as the system root)',
    argv: ['mariadb', '-u', 'root', '-e', sql],
  };
}

/** Logs in with the `mariadb` client as the tests do: over TCP, no option files, only the URL's password. */
function mariaDbLogin(url: string, env: NodeJS.ProcessEnv): Login {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, refused: false, error: 'not a URL' };
  }
  const password = decodeURIComponent(target.password);
  const result = capture(
    [
      'mariadb',
      '--no-defaults',
      '--protocol=tcp',
      '--connect-timeout=5',
      '-h',
      target.hostname,
      '-P',
      target.port || '3306',
      '-u',
      decodeURIComponent(target.username || 'root'),
      '-N',
      '-B',
      '-e',
      'SELECT 1',
    ],
    { ...withoutClientDefaults(env, ['MYSQL_']), ...(password ? { MYSQL_PWD: password } : {}) },
  );
  if (result.missing) return { ok: false, refused: true, error: 'the mariadb client is not installed' };
  if (result.status === 0 && result.stdout.trim() === '1') return { ok: true };
  const message = result.stderr.split('\n')[0]?.trim() ?? '';
  const error = message.replace(/^ERROR \d+ \(\w+\): /, '') || `mariadb exited with ${result.status}`;
  return { ok: false, refused: /ERROR 200[23]|Can't connect/i.test(message), error };
}

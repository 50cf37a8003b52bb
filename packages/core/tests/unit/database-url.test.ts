import { describe, expect, it } from 'vitest';
import { isSecretParameter, redactSecrets, redactUrl, sameDatabaseUrl, urlScheme, urlSecrets } from '../../src/adapter/database-url.js';

/** Every spelling of `p@ss:w/rd?#` a message could carry. */
const AWKWARD = 'p@ss:w/rd?#';
const AWKWARD_SPELLINGS = [
  AWKWARD,
  encodeURIComponent(AWKWARD), // p%40ss%3Aw%2Frd%3F%23
  encodeURIComponent(AWKWARD).toLowerCase(),
  'p%40ss:w%2Frd%3F%23', // as WHATWG URLs write a password (`:` kept)
];

function expectHidden(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) expect(text, `'${secret}' in: ${text}`).not.toContain(secret);
}

describe('database URLs', () => {
  it('finds the dialect, ignoring a SQLAlchemy driver suffix', () => {
    expect(urlScheme('sqlite:///cloudguard.db')).toBe('sqlite');
    expect(urlScheme('postgresql+psycopg2://u:p@h/db')).toBe('postgresql');
    expect(() => urlScheme('cloudguard.db')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });

  it('never shows a password', () => {
    expect(redactUrl('postgresql://app:s3cr%40t@db:5432/cg')).toBe('postgresql://app:***@db:5432/cg');
    expect(redactUrl('postgresql://app@db/cg')).toBe('postgresql://app@db/cg');
    expect(redactUrl('sqlite:///x.db')).toBe('sqlite:///x.db');
    const text = 'password authentication failed for app:s3cr%40t (s3cr@t) at postgresql://app:s3cr%40t@db:5432/cg';
    const redacted = redactSecrets(text, ['postgresql://app:s3cr%40t@db:5432/cg']);
    expect(redacted).not.toContain('s3cr');
    expect(redacted).toContain('postgresql://app:***@db:5432/cg');
  });

  it('keeps the password out of the error for a URL it cannot parse', () => {
    expect(() => urlScheme('://app:hunter2@db')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
    expect(() => urlScheme('host=db password=hunter2')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    );
  });
});

describe('credential forms', () => {
  it('knows the parameters libpq, pg, MySQL, ODBC and token-carrying URLs use for secrets', () => {
    for (const name of [
      'password', 'PASSWORD', 'sslpassword', 'pass', 'pwd', 'PWD', 'passwd', 'sslpassphrase', 'secret', 'client_secret',
      'token', 'access_token', 'authToken', 'auth_token', 'api_key', 'apiKey', 'api-key', 'access_key', 'AccountKey',
      'private_key', 'X-Amz-Security-Token', 'X-Amz-Signature', 'X-Amz-Credential', 'sig', 'key', 'auth', 'pass%77ord',
    ]) {
      expect(isSecretParameter(name), name).toBe(true);
    }
    for (const name of ['sslmode', 'sslkey', 'sslcert', 'sslrootcert', 'passfile', 'user', 'host', 'dbname', 'schema', 'options', 'application_name', 'authSource']) {
      expect(isSecretParameter(name), name).toBe(false);
    }
  });

  it('masks the user-information password, keeping the user, host, database and parameters', () => {
    expect(redactUrl('postgresql+asyncpg://app:s3cret@db:6432/cg?sslmode=require')).toBe('postgresql+asyncpg://app:***@db:6432/cg?sslmode=require');
    expect(redactUrl('postgresql://:s3cret@db/cg')).toBe('postgresql://:***@db/cg');
    expect(redactUrl('postgresql://app:@db/cg')).toBe('postgresql://app:***@db/cg');
    expect(redactUrl('postgresql://app:s3cret@[::1]:5432/cg')).toBe('postgresql://app:***@[::1]:5432/cg');
    expect(redactUrl('postgresql://[::1]:5432/cg?sslmode=disable')).toBe('postgresql://[::1]:5432/cg?sslmode=disable');
  });

  it('masks a password holding a raw @ whole (the authority ends at its last @, as libpq and WHATWG URLs read it)', () => {
    const url = 'postgresql://app:p@ss:w@db/cg';
    expect(redactUrl(url)).toBe('postgresql://app:***@db/cg');
    expect(urlSecrets(url)).toContain('p@ss:w');
    expect(redactSecrets('auth failed with p@ss:w', [url])).toBe('auth failed with ***');
  });

  it('masks a password written with a raw #, ? or / (where a strict parse sees no user information)', () => {
    for (const password of ['pa#ss', 's?ec', 'se/cret', '12#34', '12/34']) {
      const url = `postgresql://postgres:${password}@127.0.0.1:5432/db`;
      expect(redactUrl(url)).toBe('postgresql://postgres:***@127.0.0.1:5432/db');
      expect(urlSecrets(url)).toContain(password);
      expect(redactSecrets(`Invalid database URL '${url}'; ${password}`, [url])).not.toContain(password);
      expect(redactSecrets(`see ${url} there`, [])).not.toContain(password);
    }
    // A port, a path, and an @ only in the query: nothing to hide.
    expect(redactUrl('postgresql://db:5432/cg?application_name=me@corp')).toBe('postgresql://db:5432/cg?application_name=me@corp');
    expect(redactUrl('postgresql://db/cg#frag@x')).toBe('postgresql://db/cg#frag@x');
  });

  it('masks every credential query parameter, raw and percent-encoded, and keeps the others', () => {
    expect(redactUrl('postgresql://postgres@127.0.0.1:5432/db?password=s3cr%40t')).toBe('postgresql://postgres@127.0.0.1:5432/db?password=***');
    expect(redactUrl('postgresql://u@h/db?sslmode=verify-full&sslpassword=k3y&application_name=ci#x')).toBe(
      'postgresql://u@h/db?sslmode=verify-full&sslpassword=***&application_name=ci#x',
    );
    expect(redactUrl('libsql://db.turso.io?authToken=eyJhbGci&tls=1')).toBe('libsql://db.turso.io?authToken=***&tls=1');
    expect(redactUrl('prisma://accelerate.prisma-data.net/?api_key=abc')).toBe('prisma://accelerate.prisma-data.net/?api_key=***');
    expect(redactUrl('sqlserver://h/db;user=sa;password=x;y')).toBe('sqlserver://h/db;user=sa;password=***');
    expect(redactUrl('postgresql://u@h/db?pass%77ord=s3cret')).toBe('postgresql://u@h/db?pass%77ord=***');
    expect(redactUrl('postgresql://u@h/db?PWD=a&Pwd=b&token=c&secret=d&access_token=e')).toBe(
      'postgresql://u@h/db?PWD=***&Pwd=***&token=***&secret=***&access_token=***',
    );
  });

  it('finds the secrets of a query parameter raw, percent-decoded and form-decoded', () => {
    expect(urlSecrets('postgresql://u@h/db?password=s3cr%40t')).toEqual(expect.arrayContaining(['s3cr%40t', 's3cr@t', 's3cr%40T'.replace('T', 't')]));
    expect(urlSecrets('postgresql://u@h/db?password=a+b')).toEqual(expect.arrayContaining(['a+b', 'a b']));
    expect(urlSecrets('postgresql://u@h/db?sslmode=require')).toEqual([]);
    expect(urlSecrets('sqlite:///x.db')).toEqual([]);
  });

  it('masks a libpq key/value connection string', () => {
    expect(redactUrl("host=db user=app password='s3 cr\\'et' dbname=cg")).toBe('host=db user=app password=*** dbname=cg');
    expect(redactUrl('host=db password = s3cret sslpassword=k3y')).toBe('host=db password = *** sslpassword=***');
    expect(urlSecrets("host=db password='s3 cr\\'et'")).toEqual(expect.arrayContaining(["s3 cr\\'et", "s3 cr'et"]));
    expect(redactSecrets("connect: password s3 cr'et refused", ["host=db password='s3 cr\\'et'"])).toBe('connect: password *** refused');
  });

  it('hides a password with characters that encode differently, in every spelling, wherever it appears', () => {
    const forms = [
      `postgresql://app:${encodeURIComponent(AWKWARD)}@db/cg`,
      `postgresql://app@db/cg?password=${encodeURIComponent(AWKWARD)}`,
      `postgresql://app@db/cg?password=${encodeURIComponent(AWKWARD).toLowerCase()}`,
      `postgresql://app@db/cg?sslpassword=${new URLSearchParams([['', AWKWARD]]).toString().slice(1)}`,
    ];
    for (const url of forms) {
      const message = [url, ...AWKWARD_SPELLINGS, JSON.stringify({ password: AWKWARD })].join(' | ');
      const redacted = redactSecrets(message, [url]);
      expectHidden(redacted, [...AWKWARD_SPELLINGS, 'ss:w', 'rd?#']);
      expect(redacted).toContain('app');
    }
  });

  it('masks credentials of URLs nobody named, in any text', () => {
    expect(redactSecrets('see mysql://root:hunter2@db:3306/app and postgresql://u@h/d?password=x&sslmode=require.', [])).toBe(
      'see mysql://root:***@db:3306/app and postgresql://u@h/d?password=***&sslmode=require.',
    );
    expect(redactSecrets("Invalid database URL 'postgres://u@h/d?token=abc': nope", [])).toBe("Invalid database URL 'postgres://u@h/d?token=***': nope");
  });

  it('replaces a longer spelling before a shorter one it contains', () => {
    const url = 'postgresql://u@h/db?password=ab%2Bc';
    expect(redactSecrets('ab%2Bc ab+c ab%2bc', [url])).toBe('*** *** ***');
  });
});

describe('sameDatabaseUrl (verify refuses a shadow database that is the configured one)', () => {
  it('takes the same file however the URL spells it', () => {
    expect(sameDatabaseUrl('sqlite:///app.db', 'sqlite:////srv/app.db', '/srv')).toBe(true);
    expect(sameDatabaseUrl('sqlite:///data/../app.db', 'sqlite:///app.db', '/srv')).toBe(true);
    expect(sameDatabaseUrl('sqlite:///app.db', 'sqlite:///app_shadow.db', '/srv')).toBe(false);
    expect(sameDatabaseUrl('sqlite://', 'sqlite://', '/srv')).toBe(false);
  });

  it('takes the same server and database whoever logs in, with default ports and loopback names', () => {
    expect(sameDatabaseUrl('postgresql://app:pw@localhost/cg', 'postgres://ci@127.0.0.1:5432/cg?sslmode=disable', '/srv')).toBe(true);
    expect(sameDatabaseUrl('postgresql://db/cg', 'postgresql://db/other?dbname=cg', '/srv')).toBe(true);
    expect(sameDatabaseUrl('postgresql://db/cg', 'postgresql://db/cg_shadow', '/srv')).toBe(false);
    expect(sameDatabaseUrl('postgresql://db:5432/cg', 'postgresql://db:5433/cg', '/srv')).toBe(false);
    expect(sameDatabaseUrl('postgresql://db-a/cg', 'postgresql://db-b/cg', '/srv')).toBe(false);
  });
});

import { InvalidUrlError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { pgClientConfig, pgSsl } from '../../src/postgres-connection-config.js';
import { formatLibpqOptions, parseLibpqOptions, parsePostgresUrl } from '../../src/postgres-url.js';

function invalid(url: string): InvalidUrlError {
  try {
    parsePostgresUrl(url);
  } catch (error) {
    if (error instanceof InvalidUrlError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be rejected`);
}

describe('parsePostgresUrl', () => {
  it('reads user, password, host, port and database, percent-decoded', () => {
    expect(parsePostgresUrl('postgresql://app:s%40c%2Fret@db.internal:6432/cloud%20guard')).toEqual({
      host: 'db.internal',
      port: 6432,
      user: 'app',
      password: 's@c/ret',
      database: 'cloud guard',
      sslMode: undefined,
      applicationName: undefined,
      connectTimeoutMs: undefined,
      settings: new Map(),
      timeouts: new Map(),
    });
  });

  it('reads cgmigrate\'s lock_timeout and statement_timeout, and refuses what SET would not take', () => {
    expect(parsePostgresUrl('postgresql://u@h/d?lock_timeout=5s&statement_timeout=15min').timeouts).toEqual(
      new Map([
        ['lock_timeout', '5s'],
        ['statement_timeout', '15min'],
      ]),
    );
    expect(() => parsePostgresUrl("postgresql://u@h/d?lock_timeout=5s';DROP")).toThrow(/lock_timeout must be a duration/);
  });

  it.each(['postgres', 'postgresql', 'PostgreSQL', 'postgresql+psycopg2', 'postgresql+asyncpg', 'postgresql+psycopg'])(
    'accepts the scheme %s',
    (scheme) => {
      expect(parsePostgresUrl(`${scheme}://u@h/d`)).toMatchObject({ host: 'h', user: 'u', database: 'd' });
    },
  );

  it("leaves what the URL omits to pg's defaults", () => {
    expect(parsePostgresUrl('postgresql://')).toMatchObject({
      host: undefined,
      port: undefined,
      user: undefined,
      password: undefined,
      database: undefined,
    });
    expect(parsePostgresUrl('postgresql://localhost')).toMatchObject({ host: 'localhost', database: undefined });
    expect(parsePostgresUrl('postgresql://u:@h/d').password).toBe('');
  });

  it('reads an IPv6 host', () => {
    expect(parsePostgresUrl('postgresql://u@[::1]:5433/d')).toMatchObject({ host: '::1', port: 5433 });
  });

  it('takes a Unix-socket directory from ?host= or a percent-encoded host', () => {
    expect(parsePostgresUrl('postgresql:///app?host=/var/run/postgresql')).toMatchObject({
      host: '/var/run/postgresql',
      database: 'app',
    });
    expect(parsePostgresUrl('postgresql://%2Fvar%2Frun%2Fpostgresql/app').host).toBe('/var/run/postgresql');
  });

  it.each(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const)('reads sslmode=%s', (mode) => {
    expect(parsePostgresUrl(`postgresql://h/d?sslmode=${mode}`).sslMode).toBe(mode);
  });

  it('maps sslmode onto pg ssl options as libpq means them', () => {
    expect(pgSsl(undefined)).toBeUndefined();
    expect(pgSsl('disable')).toBe(false);
    expect(pgSsl('allow')).toBe(false);
    expect(pgSsl('prefer')).toBe(false);
    expect(pgSsl('require')).toEqual({ rejectUnauthorized: false });
    expect(pgSsl('verify-ca')).toMatchObject({ rejectUnauthorized: true });
    expect((pgSsl('verify-ca') as { checkServerIdentity: () => unknown }).checkServerIdentity()).toBeUndefined();
    expect(pgSsl('verify-full')).toEqual({ rejectUnauthorized: true });
  });

  it('reads a libpq search_path from options', () => {
    const location = parsePostgresUrl('postgresql://h/d?options=-csearch_path%3Dmy_schema');
    expect(location.settings).toEqual(new Map([['search_path', 'my_schema']]));
    expect(parsePostgresUrl('postgresql://h/d?options=-c%20search_path%3Da,b%20-c%20lock_timeout%3D5s').settings).toEqual(
      new Map([
        ['search_path', 'a,b'],
        ['lock_timeout', '5s'],
      ]),
    );
  });

  it("turns Prisma's schema into a quoted search_path", () => {
    expect(parsePostgresUrl('postgresql://h/d?schema=my_schema').settings).toEqual(new Map([['search_path', '"my_schema"']]));
    expect(parsePostgresUrl('postgresql://h/d?schema=My%20Schema').settings.get('search_path')).toBe('"My Schema"');
  });

  it('reads application_name, connect_timeout, and libpq keywords as parameters', () => {
    expect(
      parsePostgresUrl('postgresql://h/d?application_name=deploy%20bot&connect_timeout=7&user=ops&password=p%26w&dbname=other&port=6000'),
    ).toMatchObject({ applicationName: 'deploy bot', connectTimeoutMs: 7000, user: 'ops', password: 'p&w', database: 'other', port: 6000 });
  });

  it.each([
    ['mysql://h/d', 'the scheme must be postgresql:// or postgres://'],
    ['postgresql:/h/d', 'expected postgresql://[user[:password]@]host[:port]/database'],
    ['postgresql://h:99999/d', "the port must be a number from 1 to 65535, not '99999'"],
    ['postgresql://h:x/d', "malformed host and port 'h:x'"],
    ['postgresql://h/a/b', 'the database name must not contain /'],
    ['postgresql://h/d%zz', 'the database name contains a malformed percent escape'],
    ['postgresql://h/d?sslmode=sometimes', 'unknown sslmode \'sometimes\' (expected one of disable, allow, prefer, require, verify-ca, verify-full)'],
    ['postgresql://h/d?pool_timeout=3', expect.stringMatching(/^unsupported parameter 'pool_timeout' \(supported: sslmode, /)],
    ['postgresql://h/d?schema=a&schema=b', "the parameter 'schema' is given more than once"],
    ['postgresql://h/d?schema=a&options=-csearch_path%3Db', 'give the schema either as schema= or as a search_path in options=, not both'],
    ['postgresql://h/d?options=search_path', "options must be a list of -c name=value settings, not 'search_path'"],
    ['postgresql://h/d?connect_timeout=1.5', "connect_timeout must be a whole number of seconds, not '1.5'"],
    ['postgresql://h/d#x', 'fragments are not supported in PostgreSQL URLs'],
  ])('rejects %s', (url, reason) => {
    const error = invalid(url);
    expect(error.code).toBe('INVALID_URL');
    expect(error.reason).toEqual(reason);
    expect(error.url).toBe(url);
  });

  it('never echoes a password, in the authority or as a parameter', () => {
    const inAuthority = invalid('postgresql://app:s3cret@db/d?sslmode=bogus');
    expect(inAuthority.url).toBe('postgresql://app:***@db/d?sslmode=bogus');
    expect(inAuthority.message).not.toContain('s3cret');
    const asParameter = invalid('postgresql://db/d?password=s3cret&sslmode=bogus');
    expect(asParameter.url).toBe('postgresql://db/d?password=***&sslmode=bogus');
    expect(asParameter.message).not.toContain('s3cret');
  });

  it('never echoes an sslpassword, a token or a password holding a raw @ (core decides what is a credential)', () => {
    const unsupported = invalid('postgresql://db/d?sslpassword=k3y%40pass&sslmode=require');
    expect(unsupported.reason).toBe(`unsupported parameter 'sslpassword' (supported: ${'sslmode, options, schema, application_name, host, port, user, password, dbname, connect_timeout, lock_timeout, statement_timeout'})`);
    expect(unsupported.url).toBe('postgresql://db/d?sslpassword=***&sslmode=require');
    expect(invalid('postgresql://db/d?access_token=t0k3n').url).toBe('postgresql://db/d?access_token=***');
    const rawAt = invalid('postgresql://app:p@ss@db/d?sslmode=bogus');
    expect(rawAt.url).toBe('postgresql://app:***@db/d?sslmode=bogus');
    expect(rawAt.message).not.toContain('ss@');
  });
});

describe('libpq options', () => {
  it('splits on white space, honouring backslash escapes and --name=value', () => {
    expect(parseLibpqOptions('-c a=1  -cb=x\\ y --c-d=2')).toEqual(
      new Map([
        ['a', '1'],
        ['b', 'x y'],
        ['c_d', '2'],
      ]),
    );
  });

  it('round-trips through formatLibpqOptions', () => {
    const settings = new Map([
      ['search_path', '"My Schema", public'],
      ['application_name', 'a\\b'],
    ]);
    expect(parseLibpqOptions(formatLibpqOptions(settings)!)).toEqual(settings);
    expect(formatLibpqOptions(new Map())).toBeUndefined();
  });
});

describe('pgClientConfig', () => {
  it("names the session cgmigrate unless the URL names it, sets the target schema's search_path, and keeps TCP keepalives on", () => {
    const config = pgClientConfig(parsePostgresUrl('postgresql://u:pw@h:5433/d?sslmode=require'), 'app');
    expect(config).toEqual({
      host: 'h',
      port: 5433,
      user: 'u',
      password: 'pw',
      database: 'd',
      ssl: { rejectUnauthorized: false },
      options: '-c search_path="app"',
      application_name: 'cgmigrate',
      connectionTimeoutMillis: undefined,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    expect(pgClientConfig(parsePostgresUrl('postgresql://h/d?application_name=x'), undefined).application_name).toBe('x');
  });

  it("lets the URL's search_path win over the adapter's schema, and overrides win over the URL", () => {
    const location = parsePostgresUrl('postgresql://h/d?schema=from_url&options=-cstatement_timeout%3D1s');
    expect(location.settings.get('search_path')).toBe('"from_url"');
    const config = pgClientConfig(
      location,
      'from_options',
      new Map([['statement_timeout', '5s']]),
      new Map([['default_transaction_read_only', 'on']]),
    );
    expect(config.options).toBe('-c statement_timeout=1s -c search_path="from_url" -c default_transaction_read_only=on');
  });
});

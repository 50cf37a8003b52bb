import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AdapterRegistry } from '../../../src/adapter/adapter-registry.js';
import { TargetSourceInvalidError } from '../../../src/errors.js';
import { defaultTargetName, splitSchema, toTarget } from '../../../src/fleet/fleet-target.js';
import { readTargetSource, type FleetTargetSource } from '../../../src/fleet/target-source.js';

let cwd: string;

beforeEach(() => {
  cwd = realpathSync(mkdtempSync(path.join(tmpdir(), 'cgmigrate-targets-')));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

const read = (source: FleetTargetSource) => readTargetSource(source, { cwd, adapters: new AdapterRegistry() });

/** The error `read(source)` rejects with; fails the test when it resolves. */
async function refusal(source: FleetTargetSource): Promise<TargetSourceInvalidError> {
  const error: unknown = await read(source).then(
    () => {
      throw new Error('expected the source to be refused');
    },
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TargetSourceInvalidError);
  expect((error as TargetSourceInvalidError).code).toBe('TARGET_SOURCE_INVALID');
  return error as TargetSourceInvalidError;
}

describe('a targets file', () => {
  it('holds one URL a line; blank lines and # comments are skipped, <url>#<schema> names a schema', async () => {
    writeFileSync(
      path.join(cwd, 'targets.txt'),
      [
        '# EU tenants',
        '',
        'postgresql://app:s3cret@db-eu:5432/cloudguard#tenant_acme',
        '   postgresql://app@db-eu:5432/cloudguard#Acme%20Corp   ',
        '\t',
        '  # a comment after spaces',
        'sqlite:///tenants/solo.db',
        '',
      ].join('\r\n'),
    );
    expect(await read('targets.txt')).toEqual([
      { name: 'db-eu:5432/cloudguard#tenant_acme', url: 'postgresql://app:s3cret@db-eu:5432/cloudguard', schema: 'tenant_acme' },
      { name: 'db-eu:5432/cloudguard#Acme Corp', url: 'postgresql://app@db-eu:5432/cloudguard', schema: 'Acme Corp' },
      { name: 'tenants/solo.db', url: 'sqlite:///tenants/solo.db' },
    ]);
  });

  it('names the line that is not a URL, with its password masked', async () => {
    writeFileSync(path.join(cwd, 'targets.txt'), ['# tenants', 'postgresql://db/one', '', 'app:s3cret@db:5432/two', 'postgresql://db/three'].join('\n'));
    const error = await refusal('targets.txt');
    expect(error.line).toBe(4);
    expect(error.message).toBe(
      "Invalid fleet target source file targets.txt (line 4): 'app:***@db:5432/two' is not a database URL (one URL per line, <url>#<schema> for a schema)",
    );
  });

  it('masks the password of a line whose scheme lacks its slashes', async () => {
    writeFileSync(path.join(cwd, 'targets.txt'), 'postgresql:/app:s3cret@db/two\n');
    const error = await refusal('targets.txt');
    expect(error.line).toBe(1);
    expect(error.message).not.toContain('s3cret');
  });

  it('is refused when it does not exist', async () => {
    const error = await refusal('missing.txt');
    expect(error.message).toBe('Invalid fleet target source file missing.txt: no such file (give a targets file, a database URL, or a sqlite:/// glob)');
  });

  it('may hold an SQLite glob, expanded in place', async () => {
    mkdirSync(path.join(cwd, 'tenants'));
    for (const file of ['b.db', 'a.db']) writeFileSync(path.join(cwd, 'tenants', file), '');
    writeFileSync(path.join(cwd, 'targets.txt'), 'postgresql://db/first\nsqlite:///tenants/*.db\npostgresql://db/last\n');
    expect((await read('targets.txt')).map((target) => target.name)).toEqual(['db/first', 'tenants/a.db', 'tenants/b.db', 'db/last']);
  });
});

describe('an SQLite glob', () => {
  beforeEach(() => {
    mkdirSync(path.join(cwd, 'tenants', 'eu'), { recursive: true });
    for (const file of ['tenants/zeta.db', 'tenants/acme.db', 'tenants/Mid.db', 'tenants/notes.txt', 'tenants/eu/berlin.db']) writeFileSync(path.join(cwd, file), '');
  });

  it('matches files relative to cwd, sorted, named by their path relative to cwd', async () => {
    expect(await read('sqlite:///tenants/*.db')).toEqual([
      { name: 'tenants/Mid.db', url: 'sqlite:///tenants/Mid.db' },
      { name: 'tenants/acme.db', url: 'sqlite:///tenants/acme.db' },
      { name: 'tenants/zeta.db', url: 'sqlite:///tenants/zeta.db' },
    ]);
    expect((await read('sqlite:///tenants/**/*.db')).map((target) => target.name)).toEqual([
      'tenants/Mid.db',
      'tenants/acme.db',
      'tenants/eu/berlin.db',
      'tenants/zeta.db',
    ]);
  });

  it('takes an absolute glob, keeps the query of the URL on each file', async () => {
    const targets = await read(`sqlite:///${cwd}/tenants/[az]*.db?mode=rwc`);
    expect(targets).toEqual([
      { name: 'tenants/acme.db', url: `sqlite:///${cwd}/tenants/acme.db?mode=rwc` },
      { name: 'tenants/zeta.db', url: `sqlite:///${cwd}/tenants/zeta.db?mode=rwc` },
    ]);
  });

  it('is refused when it matches nothing', async () => {
    const error = await refusal('sqlite:///tenants/*.sqlite');
    expect(error.message).toBe(`Invalid fleet target source 'sqlite:///tenants/*.sqlite': no file matches tenants/*.sqlite (in ${cwd})`);
  });
});

describe('a list of targets', () => {
  it('takes URLs and { url, schema?, name? } objects, in order', async () => {
    mkdirSync(path.join(cwd, 'tenants'));
    writeFileSync(path.join(cwd, 'tenants', 'x.db'), '');
    expect(
      await read([
        'postgresql://app:s3cret@db/cg#tenant_1',
        { url: 'postgresql://app:s3cret@db/cg', schema: 'tenant_2' },
        { url: 'postgresql://db/cg#tenant_3', name: 'acme' },
        { url: 'postgresql://db/cg#ignored', schema: 'tenant_4', name: 'beta' },
        'sqlite:///tenants/*.db',
      ]),
    ).toEqual([
      { name: 'db/cg#tenant_1', url: 'postgresql://app:s3cret@db/cg', schema: 'tenant_1' },
      { name: 'db/cg#tenant_2', url: 'postgresql://app:s3cret@db/cg', schema: 'tenant_2' },
      { name: 'acme', url: 'postgresql://db/cg', schema: 'tenant_3' },
      { name: 'beta', url: 'postgresql://db/cg', schema: 'tenant_4' },
      { name: 'tenants/x.db', url: 'sqlite:///tenants/x.db' },
    ]);
  });

  it('refuses an entry that is neither a URL nor a target object', async () => {
    const error = await refusal(['postgresql://db/a', { name: 'b' }] as unknown as FleetTargetSource);
    expect(error.message).toBe('Invalid fleet target source the targets list of the config: entry 2 is neither a URL nor a { url, schema?, name? } object');
    expect((await refusal(['postgresql://db/a', 'db/b'])).message).toBe(
      "Invalid fleet target source the targets list of the config, entry 2: 'db/b' is not a database URL",
    );
    expect((await refusal([{ url: 'postgresql://db/a', name: '' }])).message).toContain('entry 1: name is not a non-empty string');
    expect((await refusal(['postgresql://db/a', { url: 'db/b' }])).message).toBe(
      "Invalid fleet target source the targets list of the config, entry 2: 'db/b' is not a database URL",
    );
    expect((await refusal(['sqlite:///none/*.db'])).message).toBe(
      `Invalid fleet target source the targets list of the config, entry 1: no file matches none/*.db (in ${cwd})`,
    );
  });

  it('refuses two targets with one name, naming both', async () => {
    const error = await refusal(['postgresql://app:one@db/cg#t1', { url: 'postgresql://db/other', name: 'x' }, 'postgresql://app:two@db/cg#t1']);
    expect(error.message).toBe(
      "Invalid fleet target source the targets list of the config: targets 1 and 3 have the same name 'db/cg#t1': give them names (name in an object, a name column in a query)",
    );
  });
});

describe('a targets function', () => {
  it('gives its list, sync or async', async () => {
    expect(await read(() => ['postgresql://db/a'])).toEqual([{ name: 'db/a', url: 'postgresql://db/a' }]);
    expect(await read(async () => [{ url: 'postgresql://db/b', name: 'b' }])).toEqual([{ name: 'b', url: 'postgresql://db/b' }]);
  });

  it('that throws is refused with its message, any password in it masked', async () => {
    const error = await refusal(async () => {
      throw new Error('cannot reach postgresql://ops:s3cret@control/tenants');
    });
    expect(error.message).toBe('Invalid fleet target source the targets function of the config: it threw: cannot reach postgresql://ops:***@control/tenants');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('that returns no list is refused', async () => {
    const error = await refusal((() => 'postgresql://db/a') as unknown as FleetTargetSource);
    expect(error.message).toBe('Invalid fleet target source the targets function of the config: it is not a list of targets');
  });
});

describe('a single URL', () => {
  it('is one target', async () => {
    expect(await read('postgresql://app:s3cret@db:5432/cg#tenant_9')).toEqual([
      { name: 'db:5432/cg#tenant_9', url: 'postgresql://app:s3cret@db:5432/cg', schema: 'tenant_9' },
    ]);
  });
});

describe('splitSchema', () => {
  it.each([
    ['postgresql://db/app#tenant_042', 'postgresql://db/app', 'tenant_042'],
    ['postgresql://db/app#Acme%20Corp', 'postgresql://db/app', 'Acme Corp'],
    ['postgresql://db/app#100%', 'postgresql://db/app', '100%'],
    ['postgresql://db/app?sslmode=require#t1', 'postgresql://db/app?sslmode=require', 't1'],
    ['postgresql://db/app', 'postgresql://db/app', undefined],
    ['sqlite:///tenants/acme.db', 'sqlite:///tenants/acme.db', undefined],
    ['postgresql://db/app#', 'postgresql://db/app', ''],
  ])('splits %j', (spec, url, schema) => {
    expect(splitSchema(spec)).toEqual({ url, schema });
  });
});

describe('defaultTargetName', () => {
  it.each([
    ['postgresql://app:pw@db:5432/cg', 'tenant_7', '/srv', 'db:5432/cg#tenant_7'],
    ['postgresql://app:pw@db:5432/cg?sslmode=require&password=x', undefined, '/srv', 'db:5432/cg'],
    ['mysql+pymysql://root@127.0.0.1:3306/tenant_a', undefined, '/srv', '127.0.0.1:3306/tenant_a'],
    ['sqlite:///tenants/acme.db', undefined, '/srv', 'tenants/acme.db'],
    ['sqlite:////srv/tenants/acme.db', undefined, '/srv', 'tenants/acme.db'],
    ['sqlite:////data/acme.db', undefined, '/srv', '/data/acme.db'],
    ['sqlite:///../other/acme.db', undefined, '/srv/app', '/srv/other/acme.db'],
    ['sqlite:///tenants/Acme%20Corp.db?mode=ro', undefined, '/srv', 'tenants/Acme Corp.db'],
    ['sqlite:///:memory:', undefined, '/srv', 'sqlite:///:memory:'],
  ])('names %j (schema %j, cwd %j) %j', (url, schema, cwd, name) => {
    expect(defaultTargetName(url, schema, cwd)).toBe(name);
  });

  it.each([
    'postgresql://app:s3cret@db/cg',
    'postgresql://app:s3cr%40t@db/cg',
    'postgresql://app:s3cr@t@db/cg',
    'postgresql://app:s3/cret@db/cg',
    'postgresql://app:s3?cret@db/cg',
    'postgresql://app@db/cg?password=s3cret',
    'postgresql://app@db/cg;password=s3cret',
  ])('never puts the password of %j in the name', (url) => {
    const name = toTarget(url, '/srv').name;
    expect(name).not.toMatch(/s3|cret/);
    expect(name).toMatch(/^db\/cg/);
  });
});

import { InvalidUrlError } from '@cloudguard/migrate-core';
import { describe, expect, it } from 'vitest';

import { searchPathSchemas, sessionSchema } from '../../src/postgres-target-schema.js';
import { parsePostgresUrl } from '../../src/postgres-url.js';

const schemaOf = (url: string, target: string | undefined, adapterSchema?: string) => sessionSchema(parsePostgresUrl(url), url, target, adapterSchema);

describe('sessionSchema', () => {
  it("is the target's schema, over the adapter's option", () => {
    expect(schemaOf('postgresql://db/app', 'tenant_a', 'shared')).toBe('tenant_a');
    expect(schemaOf('postgresql://db/app', 'Tenant A')).toBe('Tenant A');
  });

  it("is the adapter's option without a target schema (the URL's then wins, in pgClientConfig)", () => {
    expect(schemaOf('postgresql://db/app', undefined, 'shared')).toBe('shared');
    expect(schemaOf('postgresql://db/app?schema=other', undefined, 'shared')).toBe('shared');
    expect(schemaOf('postgresql://db/app', undefined)).toBeUndefined();
  });

  it.each([
    'postgresql://db/app?schema=tenant_a',
    'postgresql://db/app?options=-csearch_path%3Dtenant_a',
    'postgresql://db/app?options=-c%20search_path%3DTenant_A',
    'postgresql://db/app?options=-csearch_path%3D%22tenant_a%22',
  ])('accepts a URL naming the same schema: %s', (url) => {
    expect(schemaOf(url, 'tenant_a')).toBe('tenant_a');
  });

  it.each([
    ['postgresql://app:s3cret@db/app?schema=a', '"a"'],
    ['postgresql://app:s3cret@db/app?options=-csearch_path%3Db%2Cpublic', 'b,public'],
    ['postgresql://app:s3cret@db/app?options=-csearch_path%3D%22B%22', '"B"'],
    ['postgresql://app:s3cret@db/app?options=-csearch_path%3D', ''],
  ])('refuses a URL naming another schema, naming both without the password: %s', (url, shown) => {
    let error: unknown;
    try {
      schemaOf(url, 'b');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidUrlError);
    expect(error).toMatchObject({ code: 'INVALID_URL', url: url.replace(':s3cret@', ':***@') });
    expect((error as Error).message).toBe(
      `Invalid database URL '${url.replace(':s3cret@', ':***@')}': the URL sets search_path to ${shown} (with schema= or options=), ` +
        `but the target's schema is "b"; a schema given in both must be the same`,
    );
  });
});

describe('searchPathSchemas', () => {
  it.each([
    ['app', ['app']],
    ['App, "Tenant ""A"""', ['app', 'Tenant "A"']],
    [' "$user" ,public ', ['$user', 'public']],
    ['"a,b"', ['a,b']],
  ])('reads %j', (value, schemas) => {
    expect(searchPathSchemas(value)).toEqual(schemas);
  });

  it.each(['', 'a,', ',a', 'a b', '"a', '""', 'a"b"'])('refuses %j', (value) => {
    expect(searchPathSchemas(value)).toBeUndefined();
  });
});

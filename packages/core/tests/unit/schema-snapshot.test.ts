import { describe, expect, it } from 'vitest';
import { catalogDifference, catalogSnapshot, type CatalogRow } from '../../src/adapter/schema-snapshot.js';
import { schemaFilter } from '../../src/autogenerate/schema-filter.js';

const include = schemaFilter([{ name: 'alembic_version' }, { name: 'cgmigrate_audit' }]);
const table = (name: string): CatalogRow => ({ object: 'table', schema: undefined, table: name, name, definition: 'r' });
const column = (tableName: string, name: string, definition = 'text'): CatalogRow => ({ object: 'column', schema: undefined, table: tableName, name, definition });

describe('catalog snapshots', () => {
  it('leave out the version and audit tables with everything of theirs, and list what stands on its own', () => {
    const snapshot = catalogSnapshot(
      [
        table('alembic_version'),
        column('alembic_version', 'version_num'),
        table('users'),
        column('users', 'email'),
        { object: 'enum', schema: undefined, table: undefined, name: 'mood', definition: 'happy, sad' },
        { object: 'sequence', schema: undefined, table: 'cgmigrate_audit', name: 'cgmigrate_audit_id_seq', definition: 'bigint' },
      ],
      include,
    );
    expect(snapshot.objects).toEqual(['enum type mood', 'table users']);
    expect(snapshot.rows).toHaveLength(3);
  });

  it('are the same when only the order of their rows differs, and say what was added, removed or changed', () => {
    const before = catalogSnapshot([table('users'), column('users', 'id', 'integer'), column('users', 'name')], include);
    const reordered = catalogSnapshot([column('users', 'name'), column('users', 'id', 'integer'), table('users')], include);
    expect(reordered.fingerprint).toBe(before.fingerprint);
    expect(catalogDifference(before, reordered)).toEqual([]);

    const after = catalogSnapshot([table('users'), column('users', 'id', 'bigint'), column('users', 'email')], include);
    expect(catalogDifference(before, after)).toEqual([
      { action: 'add', object: 'column', name: 'email', table: 'users', details: [{ property: 'definition', from: undefined, to: 'text' }] },
      { action: 'modify', object: 'column', name: 'id', table: 'users', details: [{ property: 'definition', from: 'integer', to: 'bigint' }] },
      { action: 'remove', object: 'column', name: 'name', table: 'users', details: [{ property: 'definition', from: 'text', to: undefined }] },
    ]);
  });
});

/**
 * What the bench's migrations do: per case, one change that the PostgreSQL rules of the
 * safety lint flag (see docs/lint.md), written either as raw SQL (`op.execute`) or as
 * schema operations (`op.*`). Each case works on its round's table, made by the first
 * revision with the columns and indexes every case needs, so that no finding is dropped
 * as being about a new table. Each case touches columns of its own: no two cases of a
 * round change the same column, and the schema model stays consistent whatever order the
 * branches are read in.
 */

/** How a case writes its change. */
export type CaseStyle = 'sql' | 'operations';

/** The names a case's revision works on. */
export interface CasePlace {
  /** The round's table, `t_07`. */
  readonly table: string;
  /** The round, `07`, in the names of the round's other objects (`ix_07_host`, `archive_07`). */
  readonly round: string;
  /** The revision's number, in the names of what it adds (`ix_0123_created`). */
  readonly n: string;
}

/** One kind of revision of the workload. */
export interface TriggerCase {
  /** What it does, in a few words (the README's table). */
  readonly name: string;
  readonly style: CaseStyle;
  /**
   * The rules each of its revisions must get a finding of (at server 15, in a
   * transactional migration). Others may come along: `MISSING_LOCK_TIMEOUT` on most
   * `ALTER TABLE`s, which the bench counts but does not require.
   */
  readonly rules: readonly string[];
  /** Columns the round's table needs, name → `ColumnDefinition` as TypeScript source. */
  readonly columns?: Readonly<Record<string, string>>;
  /** Indexes the round's table needs, each on one of its columns: index suffix → column. */
  readonly indexes?: Readonly<Record<string, string>>;
  /** The statements of `up()`, TypeScript lines without indentation. */
  up(at: CasePlace): string[];
}

const sql = (statement: string) => `await op.execute(${JSON.stringify(statement)});`;
const q = (word: string) => `'${word}'`;

/** The cases in the order revisions cycle through them: operations and raw SQL taking turns. */
export const TRIGGER_CASES: readonly TriggerCase[] = [
  { name: 'drop a table', style: 'operations', rules: ['DROP_TABLE'], up: (at) => [`await op.dropTable(${q(`archive_${at.round}`)});`] },
  { name: 'drop a schema', style: 'sql', rules: ['DROP_SCHEMA'], up: (at) => [sql(`DROP SCHEMA reporting_${at.round} CASCADE`)] },
  { name: 'drop a column', style: 'operations', rules: ['DROP_COLUMN'], columns: { legacy: `{ type: 'text' }` }, up: (at) => [`await op.dropColumn(${q(at.table)}, 'legacy');`] },
  { name: 'truncate', style: 'sql', rules: ['TRUNCATE_TABLE'], up: (at) => [sql(`TRUNCATE ${at.table}`)] },
  {
    name: 'drop an index',
    style: 'operations',
    rules: ['DROP_INDEX', 'DROP_INDEX_NON_CONCURRENTLY'],
    columns: { sku: `{ type: 'text' }` },
    indexes: { sku: 'sku' },
    up: (at) => [`await op.dropIndex(${q(`ix_${at.round}_sku`)}, ${q(at.table)});`],
  },
  { name: 'delete every row', style: 'sql', rules: ['DELETE_ALL_ROWS'], up: (at) => [sql(`DELETE FROM ${at.table}`)] },
  {
    name: 'add a text column, narrow it to varchar(8)',
    style: 'operations',
    rules: ['NARROW_COLUMN_TYPE'],
    up: (at) => [`await op.addColumn(${q(at.table)}, ${q(`code_${at.n}`)}, { type: 'text' });`, `await op.alterColumn(${q(at.table)}, ${q(`code_${at.n}`)}, { type: 'string', length: 8 });`],
  },
  { name: 'update every row', style: 'sql', rules: ['UPDATE_ALL_ROWS'], columns: { note: `{ type: 'text' }` }, up: (at) => [sql(`UPDATE ${at.table} SET note = 'reviewed'`)] },
  {
    name: 'drop a default',
    style: 'operations',
    rules: ['DROP_COLUMN_DEFAULT'],
    columns: { status: `{ type: 'text', default: 'new' }` },
    up: (at) => [`await op.alterColumn(${q(at.table)}, 'status', { default: null });`],
  },
  {
    name: 'add a column and fill it',
    style: 'sql',
    rules: ['DDL_WITH_DATA_CHANGE', 'UPDATE_ALL_ROWS'],
    up: (at) => [sql(`ALTER TABLE ${at.table} ADD COLUMN state_${at.n} text`), sql(`UPDATE ${at.table} SET state_${at.n} = 'done'`)],
  },
  {
    name: 'drop a NOT NULL',
    style: 'operations',
    rules: ['DROP_NOT_NULL'],
    columns: { label: `{ type: 'string', length: 64, nullable: false }` },
    up: (at) => [`await op.alterColumn(${q(at.table)}, 'label', { nullable: true });`],
  },
  { name: 'reindex', style: 'sql', rules: ['REINDEX_NON_CONCURRENTLY'], columns: { host: `{ type: 'text' }` }, indexes: { host: 'host' }, up: (at) => [sql(`REINDEX INDEX ix_${at.round}_host`)] },
  { name: 'rename a table', style: 'operations', rules: ['RENAME_TABLE'], up: (at) => [`await op.renameTable(${q(`legacy_${at.round}`)}, ${q(`legacy_${at.round}_old`)});`] },
  {
    name: 'CREATE INDEX CONCURRENTLY in a transaction',
    style: 'sql',
    rules: ['CONCURRENTLY_IN_TRANSACTION'],
    columns: { topic: `{ type: 'text' }` },
    up: (at) => [sql(`CREATE INDEX CONCURRENTLY ix_${at.n}_topic ON ${at.table} (topic)`)],
  },
  {
    name: 'rename a column',
    style: 'operations',
    rules: ['RENAME_COLUMN'],
    columns: { old_name: `{ type: 'text' }` },
    up: (at) => [`await op.alterColumn(${q(at.table)}, 'old_name', { name: 'new_name' });`],
  },
  { name: 'VACUUM ANALYZE', style: 'sql', rules: ['NON_TRANSACTIONAL_IN_TRANSACTION'], up: (at) => [sql(`VACUUM ANALYZE ${at.table}`)] },
  {
    name: 'add a required column',
    style: 'operations',
    rules: ['ADD_REQUIRED_COLUMN'],
    up: (at) => [`await op.addColumn(${q(at.table)}, ${q(`plan_${at.n}`)}, { type: 'text', nullable: false });`],
  },
  { name: 'VACUUM FULL', style: 'sql', rules: ['TABLE_REWRITE_COMMAND', 'NON_TRANSACTIONAL_IN_TRANSACTION'], up: (at) => [sql(`VACUUM FULL ${at.table}`)] },
  {
    name: 'change a type',
    style: 'operations',
    rules: ['CHANGE_COLUMN_TYPE'],
    columns: { score: `{ type: 'integer' }` },
    up: (at) => [`await op.alterColumn(${q(at.table)}, 'score', { type: 'decimal', precision: 10, scale: 2 });`],
  },
  { name: 'CLUSTER', style: 'sql', rules: ['TABLE_REWRITE_COMMAND'], columns: { host: `{ type: 'text' }` }, indexes: { host: 'host' }, up: (at) => [sql(`CLUSTER ${at.table} USING ix_${at.round}_host`)] },
  {
    name: 'create an index',
    style: 'operations',
    rules: ['CREATE_INDEX_NON_CONCURRENTLY'],
    columns: { created_at: `{ type: 'datetime' }` },
    up: (at) => [`await op.createIndex(${q(`ix_${at.n}_created`)}, ${q(at.table)}, ['created_at']);`],
  },
  { name: 'refresh a materialized view', style: 'sql', rules: ['REFRESH_MATERIALIZED_VIEW_NON_CONCURRENTLY'], up: (at) => [sql(`REFRESH MATERIALIZED VIEW mv_${at.round}`)] },
  {
    name: 'add a foreign key',
    style: 'operations',
    rules: ['ADD_FOREIGN_KEY_VALIDATING'],
    columns: { account_id: `{ type: 'integer' }` },
    up: (at) => [`await op.createForeignKey(${q(`fk_${at.n}_account`)}, ${q(at.table)}, ['account_id'], 'accounts', ['id']);`],
  },
  { name: 'LOCK TABLE', style: 'sql', rules: ['LOCK_TABLE'], up: (at) => [sql(`LOCK TABLE ${at.table} IN ACCESS EXCLUSIVE MODE`)] },
  {
    name: 'add a check constraint',
    style: 'operations',
    rules: ['ADD_CHECK_VALIDATING'],
    columns: { rating: `{ type: 'integer' }` },
    up: (at) => [`await op.createCheckConstraint(${q(`ck_${at.n}_rating`)}, ${q(at.table)}, 'rating >= 0');`],
  },
  { name: 'COMMIT and BEGIN', style: 'sql', rules: ['TRANSACTION_CONTROL'], up: () => [sql('COMMIT'), sql('BEGIN')] },
  {
    name: 'set NOT NULL',
    style: 'operations',
    rules: ['SET_NOT_NULL_SCANS'],
    columns: { region: `{ type: 'text' }` },
    up: (at) => [`await op.alterColumn(${q(at.table)}, 'region', { nullable: false });`],
  },
  {
    name: 'add a foreign key',
    style: 'sql',
    rules: ['ADD_FOREIGN_KEY_VALIDATING'],
    columns: { owner_id: `{ type: 'integer' }` },
    up: (at) => [sql(`ALTER TABLE ${at.table} ADD CONSTRAINT fk_${at.n}_owner FOREIGN KEY (owner_id) REFERENCES accounts (id)`)],
  },
  {
    name: 'add a column with a volatile default',
    style: 'operations',
    rules: ['ADD_COLUMN_REWRITES_TABLE'],
    up: (at) => [`await op.addColumn(${q(at.table)}, ${q(`token_${at.n}`)}, { type: 'uuid', default: { sql: 'gen_random_uuid()' } });`],
  },
  { name: 'set NOT NULL', style: 'sql', rules: ['SET_NOT_NULL_SCANS'], columns: { zone: `{ type: 'text' }` }, up: (at) => [sql(`ALTER TABLE ${at.table} ALTER COLUMN zone SET NOT NULL`)] },
  {
    name: 'add a unique constraint',
    style: 'operations',
    rules: ['ADD_UNIQUE_BUILDS_INDEX'],
    columns: { email: `{ type: 'string', length: 320 }` },
    up: (at) => [`await op.createUniqueConstraint(${q(`uq_${at.n}_email`)}, ${q(at.table)}, ['email']);`],
  },
  {
    name: 'add a column with a volatile default',
    style: 'sql',
    rules: ['ADD_COLUMN_REWRITES_TABLE'],
    up: (at) => [sql(`ALTER TABLE ${at.table} ADD COLUMN seen_${at.n} timestamptz DEFAULT clock_timestamp()`)],
  },
  { name: 'add a nullable column', style: 'operations', rules: ['MISSING_LOCK_TIMEOUT'], up: (at) => [`await op.addColumn(${q(at.table)}, ${q(`memo_${at.n}`)}, { type: 'text' });`] },
  { name: 'create an index', style: 'sql', rules: ['CREATE_INDEX_NON_CONCURRENTLY'], columns: { status: `{ type: 'text', default: 'new' }` }, up: (at) => [sql(`CREATE INDEX ix_${at.n}_status ON ${at.table} (status)`)] },
  {
    name: 'add an integer column, make it bigint',
    style: 'operations',
    rules: ['TYPE_CHANGE_REWRITES_TABLE', 'CHANGE_COLUMN_TYPE'],
    up: (at) => [`await op.addColumn(${q(at.table)}, ${q(`qty_${at.n}`)}, { type: 'integer' });`, `await op.alterColumn(${q(at.table)}, ${q(`qty_${at.n}`)}, { type: 'bigint' });`],
  },
  { name: 'drop an index', style: 'sql', rules: ['DROP_INDEX', 'DROP_INDEX_NON_CONCURRENTLY'], columns: { kind: `{ type: 'text' }` }, indexes: { kind: 'kind' }, up: (at) => [sql(`DROP INDEX ix_${at.round}_kind`)] },
  {
    name: 'create a unique index',
    style: 'operations',
    rules: ['CREATE_INDEX_NON_CONCURRENTLY'],
    columns: { slug: `{ type: 'text' }` },
    up: (at) => [`await op.createIndex(${q(`ux_${at.n}_slug`)}, ${q(at.table)}, ['slug'], { unique: true });`],
  },
  {
    name: 'add a varchar(64) column, narrow it to varchar(16)',
    style: 'sql',
    rules: ['NARROW_COLUMN_TYPE'],
    up: (at) => [sql(`ALTER TABLE ${at.table} ADD COLUMN ref_${at.n} varchar(64)`), sql(`ALTER TABLE ${at.table} ALTER COLUMN ref_${at.n} TYPE varchar(16)`)],
  },
  {
    name: 'set NOT NULL and a default',
    style: 'operations',
    rules: ['SET_NOT_NULL_SCANS'],
    columns: { priority: `{ type: 'integer' }` },
    up: (at) => [`await op.alterColumn(${q(at.table)}, 'priority', { nullable: false, default: 0 });`],
  },
  { name: 'rename a column', style: 'sql', rules: ['RENAME_COLUMN'], columns: { alias: `{ type: 'text' }` }, up: (at) => [sql(`ALTER TABLE ${at.table} RENAME COLUMN alias TO nickname`)] },
  { name: 'drop a column', style: 'operations', rules: ['DROP_COLUMN'], columns: { obsolete: `{ type: 'integer' }` }, up: (at) => [`await op.dropColumn(${q(at.table)}, 'obsolete');`] },
  { name: 'add a required column', style: 'sql', rules: ['ADD_REQUIRED_COLUMN'], up: (at) => [sql(`ALTER TABLE ${at.table} ADD COLUMN tier_${at.n} text NOT NULL`)] },
  {
    name: 'create a two-column index',
    style: 'operations',
    rules: ['CREATE_INDEX_NON_CONCURRENTLY'],
    columns: { account_id: `{ type: 'integer' }`, created_at: `{ type: 'datetime' }` },
    up: (at) => [`await op.createIndex(${q(`ix_${at.n}_account_created`)}, ${q(at.table)}, ['account_id', 'created_at']);`],
  },
  { name: 'add a check constraint', style: 'sql', rules: ['ADD_CHECK_VALIDATING'], columns: { weight: `{ type: 'integer' }` }, up: (at) => [sql(`ALTER TABLE ${at.table} ADD CONSTRAINT ck_${at.n}_weight CHECK (weight > 0)`)] },
  {
    name: 'add a column with a constant default',
    style: 'operations',
    rules: ['MISSING_LOCK_TIMEOUT'],
    up: (at) => [`await op.addColumn(${q(at.table)}, ${q(`flag_${at.n}`)}, { type: 'boolean', nullable: false, default: false });`],
  },
  { name: 'add a unique constraint', style: 'sql', rules: ['ADD_UNIQUE_BUILDS_INDEX'], columns: { handle: `{ type: 'text' }` }, up: (at) => [sql(`ALTER TABLE ${at.table} ADD CONSTRAINT uq_${at.n}_handle UNIQUE (handle)`)] },
  {
    name: 'drop a default and a NOT NULL',
    style: 'sql',
    rules: ['DROP_COLUMN_DEFAULT', 'DROP_NOT_NULL'],
    columns: { phase: `{ type: 'text', nullable: false, default: 'draft' }` },
    up: (at) => [sql(`ALTER TABLE ${at.table} ALTER COLUMN phase DROP DEFAULT`), sql(`ALTER TABLE ${at.table} ALTER COLUMN phase DROP NOT NULL`)],
  },
  { name: 'rename a table', style: 'sql', rules: ['RENAME_TABLE'], up: (at) => [sql(`ALTER TABLE old_${at.round} RENAME TO old_${at.round}_v2`)] },
  { name: 'drop a table', style: 'sql', rules: ['DROP_TABLE'], up: (at) => [sql(`DROP TABLE scratch_${at.round}`)] },
  {
    name: 'change a type with USING',
    style: 'sql',
    rules: ['TYPE_CHANGE_REWRITES_TABLE', 'CHANGE_COLUMN_TYPE'],
    columns: { uid: `{ type: 'text' }` },
    up: (at) => [sql(`ALTER TABLE ${at.table} ALTER COLUMN uid TYPE uuid USING uid::uuid`)],
  },
];

/** The tables, views and schemas besides the round's table that the cases need, per round. */
export const ROUND_SIDE_TABLES = ['archive', 'legacy', 'old', 'scratch'] as const;

/** The columns and indexes of a round's table: what every case asks for. */
export function roundTableShape(cases: readonly TriggerCase[]): { columns: Map<string, string>; indexes: Map<string, string> } {
  const columns = new Map<string, string>([['id', `{ type: 'integer', primaryKey: true }`]]);
  const indexes = new Map<string, string>();
  for (const entry of cases) {
    for (const [name, definition] of Object.entries(entry.columns ?? {})) {
      const known = columns.get(name);
      if (known !== undefined && known !== definition) throw new Error(`cases disagree on column ${name}: ${known} and ${definition}`);
      columns.set(name, definition);
    }
    for (const [suffix, column] of Object.entries(entry.indexes ?? {})) indexes.set(suffix, column);
  }
  return { columns, indexes };
}

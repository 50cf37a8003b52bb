/**
 * SQLAlchemy's SQLite reserved words (`SQLiteIdentifierPreparer.reserved_words`).
 * Quoting exactly the names SQLAlchemy quotes keeps the version table's DDL identical
 * to Alembic's, so `sqlite_master.sql` matches whichever tool created the table.
 */
const RESERVED_WORDS = new Set([
  'add', 'after', 'all', 'alter', 'analyze', 'and', 'as', 'asc', 'attach', 'autoincrement', 'before', 'begin',
  'between', 'by', 'cascade', 'case', 'cast', 'check', 'collate', 'column', 'commit', 'conflict', 'constraint',
  'create', 'cross', 'current_date', 'current_time', 'current_timestamp', 'database', 'default', 'deferrable',
  'deferred', 'delete', 'desc', 'detach', 'distinct', 'drop', 'each', 'else', 'end', 'escape', 'except',
  'exclusive', 'exists', 'explain', 'false', 'fail', 'for', 'foreign', 'from', 'full', 'glob', 'group', 'having',
  'if', 'ignore', 'immediate', 'in', 'index', 'indexed', 'initially', 'inner', 'insert', 'instead', 'intersect',
  'into', 'is', 'isnull', 'join', 'key', 'left', 'like', 'limit', 'match', 'natural', 'not', 'notnull', 'null',
  'of', 'offset', 'on', 'or', 'order', 'outer', 'plan', 'pragma', 'primary', 'query', 'raise',
  'references', 'reindex', 'rename', 'replace', 'restrict', 'right', 'rollback', 'row',
  'select', 'set', 'table', 'temp', 'temporary', 'then', 'to', 'transaction', 'trigger', 'true',
  'union', 'unique', 'update', 'using', 'vacuum', 'values', 'view', 'virtual', 'when', 'where',
]);

/** Always quotes: for SQL the adapter writes where matching Alembic byte for byte does not matter. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a name only when SQLAlchemy would (`IdentifierPreparer._requires_quotes`): a
 * reserved word, a character outside `[A-Za-z0-9_$]`, a leading digit or `$`, or any
 * upper-case letter (SQLAlchemy treats mixed case as case-sensitive).
 */
export function quoteIdentifierAsSqlAlchemy(name: string): string {
  const lower = name.toLowerCase();
  const needsQuotes =
    name === '' || RESERVED_WORDS.has(lower) || /^[0-9$]/.test(name) || !/^[A-Za-z0-9_$]+$/.test(name) || lower !== name;
  return needsQuotes ? quoteIdentifier(name) : name;
}

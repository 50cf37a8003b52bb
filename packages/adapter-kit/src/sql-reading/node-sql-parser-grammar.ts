/** The grammars of node-sql-parser the kit loads (one dialect build each, never the whole package). */
export type NodeSqlGrammar = 'sqlite' | 'mysql' | 'mariadb' | 'postgresql';

/**
 * The version of node-sql-parser the kit depends on (exactly, in its `package.json`): a
 * cache of what its grammars read of a statement keys its entries by it, since another
 * version may read the same text otherwise. A unit test compares it with the installed one.
 */
export const NODE_SQL_PARSER_VERSION = '5.4.0';

/**
 * node-sql-parser's `Parser` of one dialect, as far as the kit's users need it. `astify`
 * returns the statement's AST (an array for several statements) and throws the grammar's
 * syntax error, whose `location.start` holds the `offset`, `line` and `column` (1-based)
 * where reading stopped.
 */
export interface NodeSqlParser {
  astify(sql: string): unknown;
}

/**
 * Loads one dialect build of node-sql-parser (a CommonJS module whose `Parser` parses
 * that dialect), for readers of SQL that need the grammar itself: a statement reader,
 * an adapter's statement linter.
 *
 * ### Examples
 * ```ts
 * const parser = await loadNodeSqlParser('sqlite');
 * parser.astify('DROP TABLE scans'); // { type: 'drop', keyword: 'table', name: [{ db: null, table: 'scans', as: null }], … }
 * ```
 */
export async function loadNodeSqlParser(grammar: NodeSqlGrammar): Promise<NodeSqlParser> {
  const module = (await importGrammar(grammar)) as { default?: { Parser: new () => NodeSqlParser }; Parser?: new () => NodeSqlParser };
  const Parser = module.default?.Parser ?? module.Parser;
  if (Parser === undefined) throw new Error(`node-sql-parser/build/${grammar}.js exports no Parser`);
  return new Parser();
}

function importGrammar(grammar: NodeSqlGrammar): Promise<unknown> {
  // Literal specifiers, one per build, so that bundlers and `npm pack` checks can see them.
  switch (grammar) {
    case 'sqlite':
      return import('node-sql-parser/build/sqlite.js');
    case 'mysql':
      return import('node-sql-parser/build/mysql.js');
    case 'mariadb':
      return import('node-sql-parser/build/mariadb.js');
    case 'postgresql':
      return import('node-sql-parser/build/postgresql.js');
  }
}

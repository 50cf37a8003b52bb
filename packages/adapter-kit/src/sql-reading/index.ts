/**
 * `@cloudguard/migrate-adapter-kit/sql-reading`: an adapter's `statementReader` (what a
 * SQL statement touches, for branch-conflict detection) from a real parser: over
 * node-sql-parser's dialect grammars (SQLite, MySQL/MariaDB), or from any parser through
 * {@link statementReaderFrom}. A grammar loads only when a reader is made.
 *
 * @packageDocumentation
 */
export { loadNodeSqlParser, NODE_SQL_PARSER_VERSION, type NodeSqlParser } from './node-sql-parser-grammar.js';
export { nameOf, nodeSqlStatementReader, optionalName, touchesOfNodeSqlAst, type NodeSqlGrammar, type NodeSqlReaderSpec } from './node-sql-parser-reader.js';
export { statementReaderFrom, UnknownStatementError } from './statement-reader.js';

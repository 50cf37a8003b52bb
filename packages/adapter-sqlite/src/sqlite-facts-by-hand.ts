/**
 * The SQLite statements the statement linter reads from their tokens rather than with
 * node-sql-parser, whose grammars lack them: transaction control (`BEGIN`, `COMMIT`,
 * `END`, `ROLLBACK [TO]`, `SAVEPOINT`, `RELEASE`), `PRAGMA`, `DROP INDEX`, `DROP TRIGGER`,
 * `VACUUM`, `ANALYZE`, `REINDEX`, `ATTACH` and `DETACH`. Each has a grammar of a few
 * keywords and names (https://www.sqlite.org/lang.html), read here whole: a statement
 * that does not follow it is left to the parsers, which then say what is wrong.
 *
 * Also the head of a `CREATE TABLE`, `INDEX`, `VIEW` or `TRIGGER` whose body the grammars
 * cannot read (`ON CONFLICT`, `DEFERRABLE`, `PRIMARY KEY DESC`, virtual tables): what it
 * creates, and on which table, is all the rules need of it.
 *
 * @packageDocumentation
 */

import type { QualifiedName } from '@cloudguard/migrate-core/adapter';

import { isWord, type SqliteToken } from './sqlite-sql-text.js';
import type { StatementFact, TransactionAction } from './sqlite-statement-fact-types.js';

/** Reads tokens left to right; every method that does not match leaves the position where it was. */
class TokenCursor {
  readonly #tokens: readonly SqliteToken[];
  #at = 0;

  constructor(tokens: readonly SqliteToken[]) {
    this.#tokens = tokens;
  }

  get atEnd(): boolean {
    return this.#at >= this.#tokens.length;
  }

  /** Whether the next token is the keyword (upper case); nothing is consumed. */
  isNext(keyword: string): boolean {
    return isWord(this.#tokens[this.#at], keyword);
  }

  /** The next token if it is one of the keywords (upper case), consumed. */
  keyword(...keywords: string[]): string | undefined {
    const token = this.#tokens[this.#at];
    const match = keywords.find((keyword) => isWord(token, keyword));
    if (match !== undefined) this.#at++;
    return match;
  }

  keywords(...sequence: string[]): boolean {
    const start = this.#at;
    for (const keyword of sequence) {
      if (this.keyword(keyword) === undefined) {
        this.#at = start;
        return false;
      }
    }
    return true;
  }

  punctuation(value: string): boolean {
    const token = this.#tokens[this.#at];
    if (token?.kind !== 'punctuation' || token.value !== value) return false;
    this.#at++;
    return true;
  }

  /** A name: a bare word or a quoted name (SQLite also takes a string where it expects a name). */
  name(): string | undefined {
    const token = this.#tokens[this.#at];
    if (token === undefined || (token.kind !== 'word' && token.kind !== 'name' && token.kind !== 'string')) return undefined;
    this.#at++;
    return token.value;
  }

  /** `[schema.]name`. */
  qualifiedName(): QualifiedName | undefined {
    const start = this.#at;
    const first = this.name();
    if (first === undefined) return undefined;
    if (!this.punctuation('.')) return { name: first };
    const second = this.name();
    if (second === undefined) this.#at = start;
    return second === undefined ? undefined : { name: second, schema: first };
  }

  /** A literal or name, with its sign: a pragma's value. */
  value(): string | undefined {
    const start = this.#at;
    const sign = this.punctuation('-') ? '-' : this.punctuation('+') ? '+' : '';
    const token = this.#tokens[this.#at];
    if (token === undefined || token.kind === 'punctuation') {
      this.#at = start;
      return undefined;
    }
    this.#at++;
    return sign + token.value;
  }

  /** Skips to the next token that is the keyword; false (and nothing skipped) when there is none. */
  skipTo(keyword: string): boolean {
    const index = this.#tokens.findIndex((token, position) => position >= this.#at && isWord(token, keyword));
    if (index === -1) return false;
    this.#at = index + 1;
    return true;
  }
}

/** The facts of a statement read by hand, or undefined when it is not one of them (or does not follow its grammar). */
export function factsOfKeywordStatement(tokens: readonly SqliteToken[]): StatementFact[] | undefined {
  const cursor = new TokenCursor(tokens);
  const first = cursor.keyword('BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'PRAGMA', 'DROP', 'VACUUM', 'ANALYZE', 'REINDEX', 'ATTACH', 'DETACH');
  let fact: StatementFact | undefined;
  switch (first) {
    case undefined:
      return undefined;
    case 'PRAGMA':
      fact = pragma(cursor);
      break;
    case 'DROP':
      fact = dropIndexOrTrigger(cursor);
      break;
    case 'VACUUM':
      if (!cursor.isNext('INTO')) cursor.name();
      if (cursor.keyword('INTO')) cursor.value();
      fact = { kind: 'other' };
      break;
    case 'ANALYZE':
    case 'REINDEX':
      cursor.qualifiedName();
      fact = { kind: 'other' };
      break;
    case 'ATTACH':
      fact = cursor.skipTo('AS') && cursor.name() !== undefined ? { kind: 'other' } : undefined;
      break;
    case 'DETACH':
      cursor.keyword('DATABASE');
      fact = cursor.name() === undefined ? undefined : { kind: 'other' };
      break;
    default:
      fact = transactionControl(first, cursor);
  }
  return fact !== undefined && cursor.atEnd ? [fact] : undefined;
}

/**
 * `BEGIN [DEFERRED|IMMEDIATE|EXCLUSIVE] [TRANSACTION]`, `COMMIT|END [TRANSACTION]`,
 * `ROLLBACK [TRANSACTION] [TO [SAVEPOINT] name]`, `SAVEPOINT name`, `RELEASE [SAVEPOINT] name`.
 */
function transactionControl(first: string, cursor: TokenCursor): StatementFact | undefined {
  const words = [first];
  const fact = (action: TransactionAction, savepoint?: string): StatementFact => ({ kind: 'transactionControl', action, keywords: words.join(' '), savepoint });
  const word = (...keywords: string[]): boolean => {
    const match = cursor.keyword(...keywords);
    if (match !== undefined) words.push(match);
    return match !== undefined;
  };
  switch (first) {
    case 'BEGIN':
      word('DEFERRED', 'IMMEDIATE', 'EXCLUSIVE');
      // SQLite's grammar still takes a transaction name after TRANSACTION, and ignores it.
      if (word('TRANSACTION')) cursor.name();
      return fact('begin');
    case 'COMMIT':
    case 'END':
      if (word('TRANSACTION')) cursor.name();
      return fact('commit');
    case 'ROLLBACK': {
      if (word('TRANSACTION') && !cursor.isNext('TO')) cursor.name();
      if (!word('TO')) return fact('rollback');
      word('SAVEPOINT');
      const savepoint = cursor.name();
      return savepoint === undefined ? undefined : fact('rollbackTo', savepoint);
    }
    case 'SAVEPOINT': {
      const savepoint = cursor.name();
      return savepoint === undefined ? undefined : fact('savepoint', savepoint);
    }
    default: {
      word('SAVEPOINT');
      const savepoint = cursor.name();
      return savepoint === undefined ? undefined : fact('release', savepoint);
    }
  }
}

/** `PRAGMA [schema.]name [= value | (value)]`. */
function pragma(cursor: TokenCursor): StatementFact | undefined {
  const name = cursor.qualifiedName();
  if (name === undefined) return undefined;
  if (cursor.atEnd) return { kind: 'pragma', name: name.name, value: undefined };
  if (cursor.punctuation('=')) {
    const value = cursor.value();
    return value === undefined ? undefined : { kind: 'pragma', name: name.name, value };
  }
  if (!cursor.punctuation('(')) return undefined;
  const value = cursor.value();
  return value !== undefined && cursor.punctuation(')') ? { kind: 'pragma', name: name.name, value } : undefined;
}

/** `DROP INDEX|TRIGGER [IF EXISTS] [schema.]name`; DROP TABLE and VIEW go to the parsers. */
function dropIndexOrTrigger(cursor: TokenCursor): StatementFact | undefined {
  const what = cursor.keyword('INDEX', 'TRIGGER');
  if (what === undefined) return undefined;
  cursor.keywords('IF', 'EXISTS');
  const name = cursor.qualifiedName();
  if (name === undefined) return undefined;
  return what === 'INDEX' ? { kind: 'dropIndex', index: name.name, schema: name.schema } : { kind: 'schemaObject', table: undefined };
}

/**
 * The facts of a statement the parsers cannot read, from its head alone, when the head
 * is all the rules need: what a `CREATE TABLE`, `INDEX`, `VIEW` or `TRIGGER` creates (and
 * on which table), and the table of an `INSERT … VALUES` (an upsert's `ON CONFLICT … DO`,
 * which the grammars lack, changes nothing a rule reads). Undefined for any other statement.
 */
export function factsOfHead(tokens: readonly SqliteToken[]): StatementFact[] | undefined {
  const cursor = new TokenCursor(tokens);
  const first = cursor.keyword('CREATE', 'INSERT', 'REPLACE');
  if (first === 'INSERT' || first === 'REPLACE') return insertValues(first, cursor);
  if (first === undefined) return undefined;
  const temporary = cursor.keyword('TEMP', 'TEMPORARY') !== undefined;
  const unique = cursor.keyword('UNIQUE') !== undefined;
  const virtual = !temporary && !unique && cursor.keyword('VIRTUAL') !== undefined;
  const what = cursor.keyword('TABLE', 'INDEX', 'VIEW', 'TRIGGER');
  if (what === undefined || (unique && what !== 'INDEX') || (virtual && what !== 'TABLE')) return undefined;
  cursor.keywords('IF', 'NOT', 'EXISTS');
  const name = cursor.qualifiedName();
  if (name === undefined) return undefined;
  switch (what) {
    case 'TABLE': {
      const table = temporary && name.schema === undefined ? { name: name.name, schema: 'temp' } : name;
      return cursor.atEnd ? undefined : [{ kind: 'createTable', table, columns: undefined }];
    }
    case 'INDEX': {
      // An index is in its table's schema: `CREATE INDEX app.ix ON t` indexes app.t.
      const table = cursor.keyword('ON') === undefined ? undefined : cursor.name();
      return table === undefined ? undefined : [{ kind: 'createIndex', table: { name: table, schema: name.schema }, index: name.name }];
    }
    case 'VIEW':
      return [{ kind: 'schemaObject', table: undefined }];
    default: {
      // The first ON after the trigger's name is the one naming its table (its WHEN and body come after).
      const table = cursor.skipTo('ON') ? cursor.qualifiedName() : undefined;
      return table === undefined ? undefined : [{ kind: 'schemaObject', table }];
    }
  }
}

/** `INSERT [OR …] INTO [schema.]table [AS alias] [(columns)] VALUES|DEFAULT VALUES …`, after its first keyword. */
function insertValues(first: string, cursor: TokenCursor): StatementFact[] | undefined {
  if (first === 'INSERT' && cursor.keyword('OR') !== undefined && cursor.keyword('ROLLBACK', 'ABORT', 'REPLACE', 'FAIL', 'IGNORE') === undefined) return undefined;
  if (!cursor.keyword('INTO')) return undefined;
  const table = cursor.qualifiedName();
  if (table === undefined) return undefined;
  if (cursor.keyword('AS')) cursor.name();
  let columns: string[] | undefined;
  if (cursor.punctuation('(')) {
    columns = [];
    for (let column = cursor.name(); column !== undefined; column = cursor.punctuation(',') ? cursor.name() : undefined) columns.push(column);
    if (!cursor.punctuation(')')) return undefined;
  }
  // A SELECT copies rows, which a rule reads: only the parsers can say from where.
  if (cursor.keyword('VALUES') === undefined && !cursor.keywords('DEFAULT', 'VALUES')) return undefined;
  return [{ kind: 'insert', table, columns, copy: undefined }];
}

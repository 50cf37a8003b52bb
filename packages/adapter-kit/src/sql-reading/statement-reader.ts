import type { IdentifierRules, StatementReader, StatementReading, TouchedObject } from '@cloudguard/migrate-core/adapter';

/**
 * A {@link StatementReader} from a function that reads one piece of SQL with a real
 * parser: what `read` throws (the parser's syntax error, or an {@link UnknownStatementError}
 * for a statement the mapping does not know) becomes an unreadable reading with the
 * error's message, so that no statement is ever taken as touching nothing by accident.
 *
 * ### Examples
 * ```ts
 * const reader = statementReaderFrom({ caseInsensitive: false, defaultSchema: 'public' }, (sql) => touchesOfPgAst(parseSync(sql)));
 * ```
 */
export function statementReaderFrom(identifiers: IdentifierRules, read: (sql: string) => readonly TouchedObject[]): StatementReader {
  return {
    identifiers,
    read(sql: string): StatementReading {
      try {
        return { readable: true, touches: read(sql) };
      } catch (error) {
        return { readable: false, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
      }
    },
  };
}

/** Thrown by a statement mapping for a statement it cannot say the effect of. */
export class UnknownStatementError extends Error {
  constructor(what: string) {
    super(`it is not known what ${what} touches`);
    this.name = 'UnknownStatementError';
  }
}

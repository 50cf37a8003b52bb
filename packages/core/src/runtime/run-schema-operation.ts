/**
 * Runs one recorded schema operation in a migration's session: the adapter compiles it
 * for its dialect, then its checks and statements run in order.
 *
 * @packageDocumentation
 */

import type { Session } from '../adapter/dialect-adapter.js';
import type { CompiledOperation, OperationCompileContext, SchemaOperationCompiler } from '../adapter/schema-operation-compiler.js';
import type { SchemaCheckQuery } from '../adapter/schema-change.js';
import { isMigrateError, OperationNotSupportedError, SchemaCheckFailedError } from '../errors.js';
import type { StatementPerDialect } from '../operations/operation-methods.js';
import type { QualifiedName, SchemaOperation, TableDescription } from '../operations/schema-operation.js';

/** The rows of a failed check the error shows. */
const ROWS_SHOWN = 5;

/** Where operations run: the session, its dialect, the adapter's compiler and the migration, for messages. */
export interface OperationTarget {
  readonly session: Session;
  readonly dialect: string;
  readonly compiler: SchemaOperationCompiler | undefined;
  /** The revision whose migration runs, and its file. */
  readonly revision?: string | undefined;
  readonly path?: string | undefined;
}

/**
 * Compiles `operation` for the target's dialect and runs it: checks that run before,
 * then the statements, then the checks that run after. Offline, checks cannot run and
 * are left out; the statements go into the script.
 *
 * @throws {OperationNotSupportedError} when the adapter has no compiler, or its compiler
 *   refuses the operation; nothing has run then.
 * @throws {SchemaCheckFailedError} when a check returns rows.
 */
export async function runSchemaOperation(operation: SchemaOperation, call: string, target: OperationTarget): Promise<void> {
  const compiled = await compileOperation(operation, call, target);
  const { session } = target;
  const offline = session.offline === true;
  for (const check of compiled.checks ?? []) if (check.when === 'before' && !offline) await runCheck(session, check);
  for (const statement of compiled.statements) await session.execute(statement);
  for (const check of compiled.checks ?? []) if (check.when !== 'before' && !offline) await runCheck(session, check);
}

/** Compiles one operation, naming the migration in a refusal. */
export async function compileOperation(operation: SchemaOperation, call: string, target: OperationTarget): Promise<CompiledOperation> {
  const { compiler, dialect, session } = target;
  if (compiler === undefined) {
    throw new OperationNotSupportedError(call, dialect, `the ${dialect} adapter does not compile schema operations (use op.execute)`, target.revision, target.path);
  }
  const context: OperationCompileContext = {
    dialect,
    offline: session.offline === true,
    inTransaction: session.inTransaction !== false,
    describeTable: (table) => describeTable(session, table, call, target),
    query: session.offline === true ? undefined : (sql, params) => session.query(sql, params),
  };
  try {
    return await compiler.compile(operation, context);
  } catch (error) {
    if (isMigrateError(error) && error instanceof OperationNotSupportedError && error.revision === undefined) {
      throw new OperationNotSupportedError(call, error.dialect, error.reason, target.revision, target.path);
    }
    throw error;
  }
}

/**
 * The statement of `op.execute` for a dialect: its own entry, else `default`.
 *
 * @throws {OperationNotSupportedError} when there is neither.
 */
export function statementForDialect(statements: StatementPerDialect, target: Pick<OperationTarget, 'dialect' | 'revision' | 'path'>): string {
  const own = Object.hasOwn(statements, target.dialect) ? statements[target.dialect] : statements['default'];
  if (typeof own === 'string') return own;
  const given = Object.keys(statements);
  throw new OperationNotSupportedError(
    'op.execute({ … })',
    target.dialect,
    `no statement is given for ${target.dialect} and there is no default (given: ${given.length > 0 ? given.join(', ') : 'none'})`,
    target.revision,
    target.path,
  );
}

async function describeTable(session: Session, table: QualifiedName, call: string, target: OperationTarget): Promise<TableDescription | undefined> {
  if (session.describeTable === undefined) {
    throw new OperationNotSupportedError(
      call,
      target.dialect,
      session.offline === true
        ? `it needs the definition of table ${table.name}, which offline mode cannot read`
        : `it needs the definition of table ${table.name}, and the ${target.dialect} adapter cannot read one`,
      target.revision,
      target.path,
    );
  }
  return session.describeTable(table);
}

async function runCheck(session: Session, check: SchemaCheckQuery): Promise<void> {
  const rows = await session.query(check.query);
  if (rows.length > 0) throw new SchemaCheckFailedError(check.failure, rows.slice(0, ROWS_SHOWN));
}

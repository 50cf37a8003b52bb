import type { SchemaOperationCompiler } from '@cloudguard/migrate-core/adapter';

/**
 * A compiler that builds the real one at its first operation, so that MikroORM loads
 * only when a migration uses a schema operation.
 */
export function lazyOperationCompiler(create: () => Promise<SchemaOperationCompiler>): SchemaOperationCompiler {
  let compiler: Promise<SchemaOperationCompiler> | undefined;
  return {
    compile: async (operation, context) => {
      compiler ??= create();
      return (await compiler).compile(operation, context);
    },
  };
}

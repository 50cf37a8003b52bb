import { createHash } from 'node:crypto';

/**
 * The revision id a MikroORM migration gets when a project is adopted: the first 12 hex
 * digits of the SHA-256 of `mikro-orm:` and its name. The same name always gives the
 * same id, so two developers who adopt the same project (or one who adopts it twice)
 * write the same revisions and the databases they stamp agree.
 *
 * ### Examples
 * ```ts
 * adoptedRevisionId('Migration20241116000001') // the same 12 hex digits on every machine
 * ```
 */
export function adoptedRevisionId(migrationName: string): string {
  return createHash('sha256').update(`mikro-orm:${migrationName}`).digest('hex').slice(0, 12);
}

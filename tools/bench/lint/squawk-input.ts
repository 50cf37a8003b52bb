/**
 * squawk's input: the statements cgmigrate lints, one `.sql` file per revision. They are
 * cut from the script `cgmigrate upgrade <first>:heads --sql` renders (the statements the
 * lint reads, rendered the same way), at its `-- Running upgrade … -> <id>` comments,
 * without the run's own statements (the version table, the audit rows, the `BEGIN` and
 * `COMMIT` around the run): those are cgmigrate's bookkeeping, which its lint does not
 * read either.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A statement of the run's bookkeeping, not of a migration. */
const BOOKKEEPING = /^(?:UPDATE "alembic_version"|DELETE FROM "alembic_version"|INSERT INTO "alembic_version"|INSERT INTO "cgmigrate_audit")/;
const MARKER = /^-- Running upgrade .* -> (\S+)$/;

/** Each revision's statements in the offline script, keyed by revision id, in script order. */
export function statementsPerRevision(script: string): Map<string, string[]> {
  const perRevision = new Map<string, string[]>();
  let current: string[] | undefined;
  // Statements end with `;` and are separated by a blank line; a marker stands alone.
  for (const chunk of script.split(/\n\s*\n/)) {
    const text = chunk.trim();
    if (text === '') continue;
    const marker = MARKER.exec(text);
    if (marker !== null) {
      current = [];
      perRevision.set(marker[1]!, current);
      continue;
    }
    if (current === undefined || BOOKKEEPING.test(text)) continue;
    current.push(text);
  }
  // The run's closing COMMIT follows the last revision's statements.
  const last = [...perRevision.values()].at(-1);
  if (last?.at(-1) === 'COMMIT;') last.pop();
  return perRevision;
}

/** Writes `<dir>/<id>.sql` per revision; returns the files, in script order. */
export function writeSquawkInput(dir: string, script: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [id, statements] of statementsPerRevision(script)) {
    const file = path.join(dir, `${id}.sql`);
    writeFileSync(file, `${statements.join('\n\n')}\n`);
    files.push(file);
  }
  return files;
}

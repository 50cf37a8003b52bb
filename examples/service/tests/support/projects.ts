import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The service's migrations: a1f3c2 (Create scans) → b7d9e4 (Add scan findings). */
export const SERVICE_MIGRATIONS = fileURLToPath(new URL('../../migrations', import.meta.url));

/** A temporary project: the service's migrations, plus `files` (relative path → text). */
export interface TempProject {
  readonly dir: string;
  write(file: string, text: string): void;
  cleanup(): void;
}

export function tempProject(files: Record<string, string> = {}): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-api-'));
  cpSync(SERVICE_MIGRATIONS, path.join(dir, 'migrations'), { recursive: true });
  const write = (file: string, text: string) => writeFileSync(path.join(dir, file), text);
  for (const [file, text] of Object.entries(files)) write(file, text);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A second head beside b7d9e4: c4e8f1, also revising a1f3c2. */
export const SECOND_HEAD = `export default {
  revision: 'c4e8f1',
  downRevision: 'a1f3c2',
  message: 'Add scan tags',
  async up(op) { await op.execute('CREATE TABLE scan_tags (id INTEGER PRIMARY KEY, tag VARCHAR(32) NOT NULL)'); },
  async down(op) { await op.execute('DROP TABLE scan_tags'); },
};
`;

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { ScratchDatabase } from '@cloudguard/migrate-core/adapter';

/**
 * A throwaway SQLite database for `cgmigrate verify`: `verify.db` in a folder of its own
 * under the system's temporary folder, which `mkdtemp` creates readable by this user
 * only (0700), so that no other user can read or swap the file while migrations run on
 * it. {@link ScratchDatabase.drop} removes the folder, the database, its journal and
 * its lock file together.
 *
 * ### Examples
 * ```ts
 * const scratch = await createSqliteScratchDatabase();
 * scratch.url; // 'sqlite:////tmp/cgmigrate-verify-Xa81Qz/verify.db'
 * await scratch.drop();
 * ```
 */
export async function createSqliteScratchDatabase(parent: string = tmpdir()): Promise<ScratchDatabase> {
  const folder = await mkdtemp(path.join(parent, 'cgmigrate-verify-'));
  const file = path.join(folder, 'verify.db');
  let dropped = false;
  return {
    url: `sqlite:///${file.split(path.sep).map(encodeURIComponent).join('/')}`,
    description: `a throwaway SQLite database, ${file}`,
    async drop() {
      if (dropped) return;
      dropped = true;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/**
 * Copies the error reference, the repository's docs/errors.md, into the package as
 * docs/errors.md (listed in `files`), where `cgmigrate explain CODE` reads it
 * (`src/error-reference.ts`): an installed CLI has no repository beside it, and every
 * error it prints ends with `See: cgmigrate explain <CODE>`.
 *
 * Run by the project's `build` target: `node scripts/copy-error-reference.ts`.
 */
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
copyFileSync(new URL('../../../docs/errors.md', import.meta.url), new URL('../docs/errors.md', import.meta.url));

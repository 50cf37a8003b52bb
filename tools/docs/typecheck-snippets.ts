import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { REPO_ROOT, type FencedBlock } from './fenced-blocks.js';

/** A TypeScript block of a document, as a file of a project that imports cgmigrate's built packages. */
export interface Snippet {
  readonly block: FencedBlock;
  /** Lines written before the block's body (an import, the start of an object), or none. */
  readonly before?: string;
  /** Lines written after it, or none. */
  readonly after?: string;
  /** Where in the project to write it, when its relative imports need a place (`src/hooks/adapters.ts`). */
  readonly file?: string;
}

/** Extra files of the project, by path relative to it (a module a snippet imports). */
export type ProjectFiles = Readonly<Record<string, string>>;

/**
 * The compiler options of the project the snippets are checked in: what a service's
 * `tsconfig.json` on Node 24 says (strict, ES modules resolved as Node resolves them), with
 * `.ts` imports allowed as Node's type stripping runs them.
 */
const COMPILER_OPTIONS = {
  target: 'es2023',
  lib: ['es2024', 'esnext.disposable'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  types: ['node'],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
};

/**
 * Typechecks document blocks with the repository's TypeScript, in a temporary project whose
 * `node_modules` is the repository's, so that `@cloudguard/migrate-core` and the other
 * workspace packages resolve to their built `dist/` as a user's install would. `given` is a
 * declaration file for what the text around a snippet gives it (`declare const log: …`).
 *
 * @returns one line per compiler error, `docs/api.md:12: TS2304: Cannot find name 'x'.`, or `[]`.
 */
export async function typecheckSnippets(snippets: readonly Snippet[], given = '', files: ProjectFiles = {}): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cgmigrate-snippets-'));
  try {
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'snippets', private: true, type: 'module' }));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ['**/*.ts'], exclude: ['node_modules'] }));
    writeFileSync(path.join(dir, 'given.d.ts'), given);
    for (const [file, source] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), source);
    }
    const origins = new Map<string, { block: FencedBlock; offset: number }>();
    for (const snippet of snippets) {
      const name = snippet.file ?? `${snippet.block.file.replace(/[^a-z0-9]+/gi, '-')}-${snippet.block.line}.ts`;
      const before = snippet.before ?? '';
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      // `export {}` makes a snippet without an import a module, where top-level await is allowed.
      writeFileSync(path.join(dir, name), `${before}${snippet.block.body}${snippet.after ?? ''}\nexport {};\n`);
      origins.set(name, { block: snippet.block, offset: before.split('\n').length - 1 });
    }
    const output = await tsc(dir);
    return output
      .split('\n')
      .filter((line) => /\): error TS\d+:/.test(line))
      .map((line) => {
        const [, file, row, code, message] = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line)!;
        const origin = origins.get(file!);
        if (!origin) return `${file}:${row}: ${code}: ${message}`;
        return `${origin.block.file}:${origin.block.line + Number(row) - origin.offset}: ${code}: ${message}`;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tsc(cwd: string): Promise<string> {
  const compiler = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  return new Promise((resolve) => {
    execFile(process.execPath, [compiler, '-p', '.', '--pretty', 'false'], { cwd, encoding: 'utf8' }, (_error, stdout, stderr) => resolve(stdout + stderr));
  });
}

/** What the bench needs from each tool it measures. */
import { existsSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RevisionGraph } from '../../revision-graph/graph.ts';
import type { BenchDatabase } from '../database.ts';
import type { Dialect } from '../options.ts';

/** A tool's project for one workload: the commands that upgrade to head and downgrade to base, run from `dir`. */
export interface ToolProject {
  readonly dir: string;
  readonly upgrade: string;
  readonly downgrade: string;
}

/** A tool's part in the bench. */
export interface ToolRunner {
  /** Short name, used in database names: `cgmigrate`, `alembic`, … */
  readonly name: string;
  /** Label in the tables, e.g. `cgmigrate upgrade head + downgrade base`. */
  readonly label: string;
  readonly dialects: readonly Dialect[];
  /** Writes the tool's project for `graph` in `dir`, against `db`. */
  write(dir: string, graph: RevisionGraph, db: BenchDatabase): ToolProject;
}

/** The repository's node_modules, where the Node peers are installed. */
export const REPO_NODE_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));

/** The Node that runs the bench (the project's Node 24), quoted for `sh`. */
export const NODE = process.execPath;

/** Lets a generated project resolve the repository's packages, as an installed project would. */
export function linkNodeModules(dir: string): void {
  const link = path.join(dir, 'node_modules');
  if (!existsSync(link)) symlinkSync(REPO_NODE_MODULES, link, 'dir');
}

/** A JavaScript string literal. */
export function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A file-name-friendly form of a revision's message. */
export function slug(message: string): string {
  return message.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

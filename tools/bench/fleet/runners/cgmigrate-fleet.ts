/**
 * The fleet command (issue 22): one `cgmigrate upgrade head --targets … --concurrency 16`
 * process for every tenant: the SQLite files as one glob URL, the PostgreSQL schemas
 * as a file of `<url>#<schema>` targets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../../upgrade/database.ts';
import { writeCgmigrateBenchProject } from '../../upgrade/runners/cgmigrate.ts';
import { NODE } from '../../upgrade/runners/tool-runner.ts';
import { FLEET_CONCURRENCY } from '../options.ts';
import type { FleetTool } from './fleet-tool.ts';

/** The shape of oclif's manifest read here. */
interface Manifest {
  readonly commands?: Readonly<Record<string, { readonly flags?: Readonly<Record<string, unknown>> }>>;
}

/**
 * The fleet command of the CLI at `bin`, with its default settings, or with `--lint off`:
 * `upgrade` lints the migrations it is about to run unless told not to, and that row
 * shows what the lint costs in time and memory (it is no target's figure).
 */
export function cgmigrateFleet(bin: string, lint: 'default' | 'off' = 'default'): FleetTool {
  const lintFlag = lint === 'off' ? ' --lint off' : '';
  const name = lint === 'off' ? 'fleet-lint-off' : 'fleet';
  return {
    name,
    label: `cgmigrate fleet, --concurrency ${FLEET_CONCURRENCY}${lintFlag}`,
    dialects: ['sqlite', 'postgresql'],
    shape: 'one process',
    write(dir, graph, tenants) {
      writeCgmigrateBenchProject(dir, graph, name, undefined);
      const targets = tenants.dialect === 'sqlite' ? `sqlite:///${tenants.folder}/*.db` : tenants.urlsFile;
      return `${sh(NODE)} ${sh(bin)} upgrade head --targets ${sh(targets)} --concurrency ${FLEET_CONCURRENCY} --quiet${lintFlag}`;
    },
    unavailable() {
      // The flag is declared by the oclif command class, and so listed in the manifest the build writes.
      const manifest = path.join(path.dirname(bin), '..', 'oclif.manifest.json');
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
        return parsed.commands?.['upgrade']?.flags?.['targets'] === undefined ? `the CLI at ${bin} has no \`upgrade --targets\` (its ${manifest})` : undefined;
      } catch (error) {
        return `cannot read ${manifest}: ${(error as Error).message}`;
      }
    },
  };
}

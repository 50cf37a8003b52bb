/**
 * What a fleet costs without the fleet command: a shell loop running one
 * `cgmigrate upgrade head --url <tenant>` process per tenant, one after the other.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../../upgrade/database.ts';
import { writeCgmigrateBenchProject } from '../../upgrade/runners/cgmigrate.ts';
import { NODE } from '../../upgrade/runners/tool-runner.ts';
import type { FleetTool } from './fleet-tool.ts';

/** The loop over the CLI at `bin`. */
export function cgmigrateLoop(bin: string): FleetTool {
  return {
    name: 'cgmigrate-loop',
    label: 'loop of cgmigrate processes',
    dialects: ['sqlite'],
    shape: 'process per tenant',
    write(dir, graph, tenants) {
      writeCgmigrateBenchProject(dir, graph, 'cgmigrate-loop', undefined);
      const script = path.join(dir, 'upgrade-each.sh');
      writeFileSync(
        script,
        `for url in $(cat ${sh(tenants.urlsFile)}); do\n  ${sh(NODE)} ${sh(bin)} upgrade head --quiet --url "$url" || exit 1\ndone\n`,
      );
      return `sh ${sh(script)}`;
    },
  };
}

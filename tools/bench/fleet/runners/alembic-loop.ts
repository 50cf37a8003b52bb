/**
 * Alembic's way to a fleet: a shell loop running Debian's `python3 -m alembic upgrade
 * head` once per tenant, the tenant's URL passed with `-x url=…` (read by env.py).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PYTHON, writeAlembicProject } from '../../../alembic/alembic-project.ts';
import { sh } from '../../upgrade/database.ts';
import type { FleetTool } from './fleet-tool.ts';

export const alembicLoop: FleetTool = {
  name: 'alembic-loop',
  label: 'loop of alembic processes',
  dialects: ['sqlite'],
  shape: 'process per tenant',
  write(dir, graph, tenants) {
    // The ini's URL is the first tenant's; every run names its own with -x.
    writeAlembicProject(dir, tenants.urls[0]!, graph.revisions);
    const script = path.join(dir, 'upgrade-each.sh');
    const alembic = `${sh(PYTHON)} -m alembic -c ${sh(path.join(dir, 'alembic.ini'))}`;
    writeFileSync(script, `for url in $(cat ${sh(tenants.urlsFile)}); do\n  ${alembic} -x url="$url" upgrade head || exit 1\ndone\n`);
    return `sh ${sh(script)}`;
  },
};

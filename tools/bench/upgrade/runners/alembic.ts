/** Debian's Alembic (`python3 -m alembic`) on the twin project; psycopg2 for PostgreSQL. */
import path from 'node:path';
import { PYTHON, writeAlembicProject } from '../../../alembic/alembic-project.ts';
import { run } from '../../revision-graph/process.ts';
import { sh } from '../database.ts';
import type { ToolRunner } from './tool-runner.ts';

/** The Alembic version, e.g. `1.8.1`. */
export function alembicVersion(): string {
  return run({ argv: [PYTHON, '-m', 'alembic', '--version'], cwd: process.cwd() }).stdout.trim().replace(/^alembic\s+/, '');
}

/** SQLAlchemy's spelling of the database: the same URLs, with psycopg2 named for PostgreSQL. */
function sqlalchemyUrl(url: string): string {
  return url.replace(/^postgresql:/, 'postgresql+psycopg2:');
}

export const alembic: ToolRunner = {
  name: 'alembic',
  label: 'alembic',
  dialects: ['sqlite', 'postgresql'],
  write(dir, graph, db) {
    writeAlembicProject(dir, sqlalchemyUrl(db.url), graph.revisions);
    const cli = `${sh(PYTHON)} -m alembic -c ${sh(path.join(dir, 'alembic.ini'))}`;
    return { dir, upgrade: `${cli} upgrade head`, downgrade: `${cli} downgrade base` };
  },
};

/**
 * The real Alembic that the interoperability tests run beside cgmigrate: Debian's
 * `python3-alembic`, with `python3-psycopg2` so that it reaches PostgreSQL too, for
 * `/usr/bin/python3`, or the Python named by `CGMIGRATE_ALEMBIC_PYTHON` (as
 * `tools/alembic/alembic-project.ts` reads it).
 */
import { TEST_REQUIREMENTS, type TestRequirement } from '../../test-db/test-requirements.ts';
import { capture, hasAptGet } from './machine.ts';
import { ready, unavailable, type RequirementPlan } from './plan.ts';

const ALEMBIC = TEST_REQUIREMENTS.find((requirement) => requirement.tag === 'alembic') as TestRequirement;

const DEBIAN_PYTHON = '/usr/bin/python3';

/** What the Alembic plan is decided from. */
export interface AlembicFacts {
  readonly python: string;
  /** The Python was named by `CGMIGRATE_ALEMBIC_PYTHON`: the setup installs nothing into it. */
  readonly ownPython: boolean;
  /** `alembic`, `sqlalchemy` and `psycopg2` can be found by that Python; `missing-python` when there is no such program. */
  readonly found: 'yes' | 'no' | 'missing-python';
  readonly aptGet: boolean;
}

/** Looks at the machine: asks the Python whether it finds the modules (without importing them, which takes longer). */
export function probeAlembic(env: NodeJS.ProcessEnv): AlembicFacts {
  const own = env['CGMIGRATE_ALEMBIC_PYTHON'] || undefined;
  const python = own ?? DEBIAN_PYTHON;
  const result = capture([
    python,
    '-c',
    "import importlib.util as u, sys; sys.exit(0 if u.find_spec('alembic') and u.find_spec('sqlalchemy') and u.find_spec('psycopg2') else 1)",
  ]);
  return {
    python,
    ownPython: own !== undefined,
    found: result.missing ? 'missing-python' : result.status === 0 ? 'yes' : 'no',
    aptGet: hasAptGet(),
  };
}

/** Decides what to do, from the facts alone. */
export function planAlembic(facts: AlembicFacts): RequirementPlan {
  const { python } = facts;
  if (facts.found === 'yes') return ready(ALEMBIC, `${python} has Alembic`);
  const found = facts.found === 'missing-python' ? `${python} does not exist` : `${python} has no Alembic (with psycopg2)`;
  if (facts.ownPython) return unavailable(ALEMBIC, found, `${found} (CGMIGRATE_ALEMBIC_PYTHON)`);
  if (!facts.aptGet) return unavailable(ALEMBIC, found, `${found}, and this is not Debian: install Alembic 1.8.1 for it`);
  return { requirement: ALEMBIC, found, packages: ['python3-alembic', 'python3-psycopg2'], steps: [], next: 'the tests use it', env: {} };
}

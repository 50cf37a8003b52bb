#!/usr/bin/env node
/**
 * Sets up what the tests need beyond npm packages (PostgreSQL, MariaDB, Debian's Alembic),
 * for the test command (`tools/ci/test.sh`).
 *
 *   node tools/setup/test-servers.ts          set up what is missing, then print the variables for the tests
 *   node tools/setup/test-servers.ts --plan   only say what it would do
 *
 * When everything is there it runs one login per server and one Python check, and prints
 * nothing on stderr. As root it installs Debian's packages, starts servers that are down,
 * and creates what the tests log in with. As another user it changes nothing: it says what
 * to run as root, and sets the requirement's skip variable (`CGMIGRATE_SKIP_PG`, …) so the
 * tests that need it are skipped with that reason.
 *
 * stdout carries only `NAME=value` lines for the test command; messages go to stderr.
 * Exit status 1 when, as root, the setup failed.
 */
import process from 'node:process';
import { fileURLToPath } from 'node:url';

import { TEST_REQUIREMENTS, type TestRequirement } from '../test-db/test-requirements.ts';
import { planAlembic, probeAlembic } from './test-servers/alembic.ts';
import { isRoot, runStep } from './test-servers/machine.ts';
import { planMariaDb, probeMariaDb } from './test-servers/mariadb.ts';
import { planLines } from './test-servers/plan-text.ts';
import type { RequirementPlan } from './test-servers/plan.ts';
import { planPostgres, probePostgres } from './test-servers/postgres.ts';
import { SetUpError, setUpTestRequirements } from './test-servers/set-up.ts';

const env = process.env;

/** Looks at the machine for one requirement and plans it. */
function plan(requirement: TestRequirement): RequirementPlan {
  switch (requirement.tag) {
    case 'postgres':
      return planPostgres(probePostgres(env));
    case 'mariadb':
      return planMariaDb(probeMariaDb(env));
    case 'alembic':
      return planAlembic(probeAlembic(env));
  }
}

// A requirement whose skip variable the user set is not looked at.
const skipped = TEST_REQUIREMENTS.filter((requirement) => env[requirement.skipVariable]);
const looked = TEST_REQUIREMENTS.filter((requirement) => !skipped.includes(requirement));

if (process.argv.includes('--plan')) {
  for (const requirement of skipped) {
    process.stdout.write(`${requirement.name}: skipped on request (${requirement.skipVariable}=${env[requirement.skipVariable]}).\n`);
  }
  for (const requirement of looked) process.stdout.write(`${planLines(plan(requirement)).join('\n')}\n`);
  if (!isRoot()) process.stdout.write('(Installing, starting and creating need root; as another user the tests that need them are skipped.)\n');
  process.exit(0);
}

// Absolute paths: sudo resets PATH, and the system's Node may be too old to run TypeScript.
const setupCommand = `${process.execPath} ${fileURLToPath(import.meta.url)}`;
try {
  const variables = setUpTestRequirements({
    requirements: looked,
    plan,
    root: isRoot(),
    run: runStep,
    log: (line) => process.stderr.write(`${line}\n`),
    setupCommand,
  });
  for (const requirement of skipped) {
    const reason = env[requirement.skipVariable] ?? '';
    variables[requirement.skipVariable] = reason.startsWith(`${requirement.name}:`) ? reason : `${requirement.name}: ${reason}`;
  }
  for (const [name, value] of Object.entries(variables)) process.stdout.write(`${name}=${value.replaceAll('\n', ' ')}\n`);
} catch (error) {
  if (!(error instanceof SetUpError)) throw error;
  process.stderr.write(`test setup failed: ${error.message}\n`);
  process.exit(1);
}

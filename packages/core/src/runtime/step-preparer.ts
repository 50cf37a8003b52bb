import { IrreversibleMigrationError } from '../errors.js';
import type { Migration } from '../migration.js';
import type { MigrationStep } from '../plan/migration-step.js';
import type { ScriptDirectory } from '../script/script-directory.js';
import { fileChecksum, type ReadBytes } from './audit.js';
import type { StepInfo } from './events.js';

/** A step whose migration is imported and checked, ready to run. */
export interface PreparedStep {
  readonly step: MigrationStep;
  /** Absent for a stamp, which runs nothing. */
  readonly migration: Migration | undefined;
  readonly info: StepInfo;
  /** SHA-256 of the migration file, from the bytes it was imported from. */
  readonly checksum: string | undefined;
}

/**
 * Imports and checks the plan's migrations, each once: in order, or one ahead of the step
 * that runs. A failed import surfaces when its step is reached, or from {@link all}.
 */
export class StepPreparer {
  readonly #steps: readonly MigrationStep[];
  readonly #scripts: ScriptDirectory;
  readonly #readFile: ReadBytes | undefined;
  readonly #prepared: Promise<PreparedStep>[] = [];

  constructor(steps: readonly MigrationStep[], scripts: ScriptDirectory, readFile: ReadBytes | undefined) {
    this.#steps = steps;
    this.#scripts = scripts;
    this.#readFile = readFile;
  }

  /** How many steps the plan has. */
  get count(): number {
    return this.#steps.length;
  }

  /** Step `index`, imported and checked. */
  get(index: number): Promise<PreparedStep> {
    this.#prepared[index] ??= prepareStep(this.#steps[index]!, this.#scripts, this.#readFile);
    return this.#prepared[index];
  }

  /** Starts on step `index`, if there is one; its failure waits for {@link get}. */
  prefetch(index: number): void {
    if (index < this.#steps.length) this.get(index).catch(() => {});
  }

  /** Every step, in order: the first failure in plan order is the one thrown. */
  async all(): Promise<PreparedStep[]> {
    const prepared: PreparedStep[] = [];
    for (let index = 0; index < this.#steps.length; index++) prepared.push(await this.get(index));
    return prepared;
  }
}

async function prepareStep(step: MigrationStep, scripts: ScriptDirectory, readFile: ReadBytes | undefined): Promise<PreparedStep> {
  const migration = step.direction === 'stamp' ? undefined : await scripts.importMigration(step.revision);
  if (step.direction === 'downgrade' && typeof migration?.down !== 'function') {
    throw new IrreversibleMigrationError(step.revision.id, step.revision.path);
  }
  return {
    step,
    migration,
    info: {
      direction: step.direction,
      revision: step.revision.id,
      from: step.from,
      to: step.to,
      message: step.revision.message,
      transactional: migration?.transactional !== false,
      path: step.revision.path,
    },
    checksum: fileChecksum(step.revision.path, readFile),
  };
}

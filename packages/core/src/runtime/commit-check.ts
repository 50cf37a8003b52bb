/**
 * Work that runs beside a run and must succeed before the run commits anything: the
 * upgrade's lint in `'warn'` mode, whose CPU time then fills the waits for the database
 * instead of coming before the first statement.
 */
export interface RunCheck {
  /** What it is, for the warning when its failure rolls back steps that had run (`'the lint'`). */
  readonly name: string;
  /** Settles when the work has ended; a rejection fails the run with nothing committed. */
  readonly result: Promise<void>;
}

/**
 * The runner's side of a {@link RunCheck}: waits for it where the run would commit, and
 * tells its failure apart from a step's, since no step is to blame for it.
 */
export class CommitCheck {
  readonly name: string;
  readonly #settled: Promise<void>;
  #failed = false;
  #reason: unknown;
  /** Whether {@link passed} has thrown the failure: only then is it the run's error. */
  #thrown = false;

  constructor(check: RunCheck | undefined) {
    this.name = check?.name ?? '';
    // Handled from here on: a check that fails while the steps run must not reach the
    // process as an unhandled rejection before the run comes to wait for it.
    this.#settled = (check?.result ?? Promise.resolve()).then(
      () => {},
      (reason: unknown) => {
        this.#failed = true;
        this.#reason = reason;
      },
    );
  }

  /** Waits for the check; throws its failure. */
  async passed(): Promise<void> {
    await this.#settled;
    if (!this.#failed) return;
    this.#thrown = true;
    throw this.#reason;
  }

  /** Waits for the check however it ends: a run that fails first reports after what the check reports. */
  settled(): Promise<void> {
    return this.#settled;
  }

  /**
   * Whether `error` is the check's own failure, as {@link passed} threw it (a step that
   * failed with the same error, such as the run's signal's reason, is not).
   */
  isFailure(error: unknown): boolean {
    return this.#thrown && error === this.#reason;
  }
}

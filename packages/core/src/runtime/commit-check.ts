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
  /**
   * Resolves once the work has gone past `revision` (or has ended). The run waits for it
   * before that revision's step, so that the work leads the run: the run never holds the
   * locks of a statement the work has not read yet, and its commit finds it (nearly) done.
   * Absent: the run waits only before it commits.
   */
  readonly reached?: ((revision: string) => Promise<void>) | undefined;
  /** Asks the work to stop: the run has failed and will report nothing of it. */
  readonly stop?: (() => void) | undefined;
}

/**
 * The runner's side of a {@link RunCheck}: waits for it before each step and before the
 * commit, stops it when the run fails, and tells its failure apart from a step's, since no
 * step is to blame for it.
 */
export class CommitCheck {
  readonly name: string;
  readonly #check: RunCheck | undefined;
  readonly #settled: Promise<void>;
  #ended = false;
  #failed = false;
  #reason: unknown;
  /** Whether the failure was thrown to the run: only then is it the run's error. */
  #thrown = false;

  constructor(check: RunCheck | undefined) {
    this.name = check?.name ?? '';
    this.#check = check;
    // Handled from here on: a check that fails while the steps run must not reach the
    // process as an unhandled rejection before the run comes to wait for it.
    this.#settled = (check?.result ?? Promise.resolve()).then(
      () => {
        this.#ended = true;
      },
      (reason: unknown) => {
        this.#ended = true;
        this.#failed = true;
        this.#reason = reason;
      },
    );
  }

  /** Whether the run has a check at all: without one there is nothing to wait for. */
  get present(): boolean {
    return this.#check !== undefined;
  }

  /** Waits until the check has gone past `revision`; throws its failure, so that a failed check stops the run before its next step. */
  async reached(revision: string): Promise<void> {
    const reached = this.#check?.reached;
    if (reached !== undefined && !this.#ended) await Promise.race([reached(revision), this.#settled]);
    this.#throwFailure();
  }

  /** Waits for the check; throws its failure. */
  async passed(): Promise<void> {
    await this.#settled;
    this.#throwFailure();
  }

  /** Stops the check and waits for it however it ends: a run that fails reports after it. */
  async abandon(): Promise<void> {
    if (!this.#ended) this.#check?.stop?.();
    await this.#settled;
  }

  /**
   * Whether `error` is the check's own failure, as {@link reached} or {@link passed} threw
   * it (a step that failed with the same error, such as the run's signal's reason, is not).
   */
  isFailure(error: unknown): boolean {
    return this.#thrown && error === this.#reason;
  }

  #throwFailure(): void {
    if (!this.#failed) return;
    this.#thrown = true;
    throw this.#reason;
  }
}

/** Which revisions a check has gone past: the source of its {@link RunCheck.reached}. */
export class CheckProgress {
  readonly #passed = new Set<string>();
  readonly #waiting = new Map<string, (() => void)[]>();

  /** The check has gone past `revision`. */
  pass(revision: string): void {
    this.#passed.add(revision);
    for (const resolve of this.#waiting.get(revision) ?? []) resolve();
    this.#waiting.delete(revision);
  }

  /** Resolves once {@link pass} has been called for `revision`. */
  readonly reached = (revision: string): Promise<void> => {
    if (this.#passed.has(revision)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#waiting.get(revision);
      if (waiting === undefined) this.#waiting.set(revision, [resolve]);
      else waiting.push(resolve);
    });
  };
}

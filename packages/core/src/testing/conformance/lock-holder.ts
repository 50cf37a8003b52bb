import { spawn, type ChildProcess } from 'node:child_process';

import type { ConnectOptions } from '../../adapter/dialect-adapter.js';

/** Options of {@link spawnLockHolder}. */
export interface LockHolderOptions {
  /** The adapter's package (or a file URL), as the child imports it. It must be built. */
  readonly module: string;
  /** The export holding the adapter. Default `default`. */
  readonly exportName?: string | undefined;
  /** What the child passes to `connect` (functions such as `onStatement` are dropped). */
  readonly connectOptions: ConnectOptions;
  /** Where the child runs, so that it resolves `module` as the test does: usually the adapter's package directory. */
  readonly cwd: string;
  /** How long to wait for the child to hold the lock. Default 15,000 ms. */
  readonly readyTimeoutMs?: number | undefined;
}

/**
 * Starts a Node.js process that imports an adapter, connects, takes the migration lock
 * and keeps it until killed: the holder for the suite's cross-process lock check
 * ({@link AdapterConformanceOptions.crossProcessLock}). Resolves once the lock is held.
 *
 * ### Examples
 * ```ts
 * crossProcessLock: {
 *   spawnHolder: (connectOptions) =>
 *     spawnLockHolder({ module: '@acme/cgmigrate-adapter-mariadb', connectOptions, cwd: packageDir }),
 * },
 * ```
 *
 * @throws {Error} when the child exits, or does not report the lock in time; the
 *   message carries its standard error.
 */
export async function spawnLockHolder(options: LockHolderOptions): Promise<ChildProcess> {
  const script = `
    const module = await import(${JSON.stringify(options.module)});
    const adapter = module[${JSON.stringify(options.exportName ?? 'default')}];
    const connection = await adapter.connect(${JSON.stringify(options.connectOptions)});
    await connection.acquireLock({ mode: 'fail' });
    process.stdout.write('locked\\n');
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the lock holder did not take the lock within ${options.readyTimeoutMs ?? 15_000} ms: ${stderr}`)),
        options.readyTimeoutMs ?? 15_000,
      );
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('locked\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the lock holder exited (${signal ?? code}) before taking the lock: ${stderr}`));
      });
    });
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
  return child;
}

/** The service's own logger: one JSON object per line, as log collectors read it. */
export interface ServiceLogger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  error(message: string): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: readonly Level[] = ['debug', 'info', 'warn', 'error'];

/**
 * A logger writing `{"time","level","component","msg"}` lines: `info` and `debug` to
 * `out`, `warn` and `error` to `err`; levels below `minimum` are dropped.
 *
 * ### Examples
 * ```ts
 * const log = jsonLogger('service', { minimum: 'info' });
 * log.info('listening on :8080'); // {"time":"…","level":"info","component":"service","msg":"listening on :8080"}
 * ```
 */
export function jsonLogger(
  component: string,
  options: { minimum?: Level; out?: NodeJS.WritableStream; err?: NodeJS.WritableStream } = {},
): ServiceLogger {
  const minimum = ORDER.indexOf(options.minimum ?? 'info');
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const write = (level: Level) => (message: string) => {
    if (ORDER.indexOf(level) < minimum) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, component, msg: message });
    (level === 'warn' || level === 'error' ? err : out).write(`${line}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

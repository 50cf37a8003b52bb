import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built service. */
export const SERVICE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** One line the service logged. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
}

/** A service process and what it logged so far. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  readonly stderr: () => string;
  /** Resolves with the port once the service logs "Listening on …"; rejects if it exits first. */
  readonly listening: Promise<number>;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `node dist/main.js` with this Node (24) and `env` on top of a clean environment. */
export function startService(env: Record<string, string>): ServiceProcess {
  const childEnv: Record<string, string | undefined> = { ...process.env, PORT: '0', ...env };
  if (!env['DATABASE_URL']) delete childEnv['DATABASE_URL'];
  if (!env['SERVICE_READ_ONLY']) delete childEnv['SERVICE_READ_ONLY'];
  const child = spawn(process.execPath, [SERVICE_MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: LogLine[] = [];
  let stderr = '';
  let resolvePort!: (port: number) => void;
  let rejectPort!: (error: Error) => void;
  const listening = new Promise<number>((resolve, reject) => {
    resolvePort = resolve;
    rejectPort = reject;
  });
  // Nobody has to wait for the port of a service that is expected to refuse to start.
  listening.catch(() => {});
  const take = (chunk: string) => {
    for (const raw of chunk.split('\n').filter(Boolean)) {
      const line = JSON.parse(raw) as LogLine;
      lines.push(line);
      const port = /^Listening on http:\/\/127\.0\.0\.1:(\d+)$/.exec(line.msg)?.[1];
      if (port) resolvePort(Number(port));
    }
  };
  child.stdout.setEncoding('utf8').on('data', take);
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    take(chunk);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      rejectPort(new Error(`the service exited (${code}) before listening:\n${stderr}`));
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    stderr: () => stderr,
    listening,
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** GETs a JSON document from the service. */
export async function getJson<T>(port: number, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

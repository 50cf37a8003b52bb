/**
 * The PostgreSQL version the lint's version-dependent rules decide for.
 *
 * @packageDocumentation
 */

/**
 * The major version assumed when the lint is told none (no `--server-version`, no
 * connected server): the oldest PostgreSQL still supported upstream. Every rule that
 * depends on the version decides with it, and says so in its message when that changes
 * what it reports. Older servers are linted right when their version is given.
 */
export const ASSUMED_POSTGRES_MAJOR = 13;

/** The server the rules decide for. */
export interface PostgresServer {
  /** The major version: 15 for 15.4; 9 for 9.6 (every version before 10 is older than any rule's threshold). */
  readonly major: number;
  /** Whether {@link major} is {@link ASSUMED_POSTGRES_MAJOR} because none was given. */
  readonly assumed: boolean;
}

/**
 * The server of a `serverVersion` setting (`"15.4"`, `"15"`, `"16beta1"`, `"9.6.24"`);
 * the assumed one when it is absent or does not start with a number.
 */
export function postgresServer(serverVersion: string | undefined): PostgresServer {
  const major = serverVersion === undefined ? undefined : /^\s*(\d+)/.exec(serverVersion)?.[1];
  return major === undefined ? { major: ASSUMED_POSTGRES_MAJOR, assumed: true } : { major: Number(major), assumed: false };
}

/** The note a message adds when its finding rests on the assumed version. */
export function assumedVersionNote(server: PostgresServer): string {
  return server.assumed ? ` (server version not given: PostgreSQL ${ASSUMED_POSTGRES_MAJOR} assumed)` : '';
}

// pg 8 ships no type declarations (they live in @types/pg); this covers the part the adapter uses.
declare module 'pg' {
  namespace pg {
    interface ClientConfig {
      readonly connectionString?: string | undefined;
      readonly host?: string | undefined;
      readonly port?: number | undefined;
      readonly user?: string | undefined;
      readonly password?: string | undefined;
      readonly database?: string | undefined;
      readonly ssl?: boolean | { readonly rejectUnauthorized?: boolean; readonly checkServerIdentity?: () => undefined } | undefined;
      /** libpq's `options`: `-c name=value` settings applied when the session starts. */
      readonly options?: string | undefined;
      readonly application_name?: string | undefined;
      readonly connectionTimeoutMillis?: number | undefined;
      /** TCP keepalives on the socket. */
      readonly keepAlive?: boolean | undefined;
      /** Idle time before the first keepalive probe. */
      readonly keepAliveInitialDelayMillis?: number | undefined;
    }

    interface PoolConfig extends ClientConfig {
      readonly max?: number | undefined;
      readonly min?: number | undefined;
      readonly idleTimeoutMillis?: number | undefined;
    }

    interface QueryResult<R = Record<string, unknown>> {
      readonly command: string;
      readonly rowCount: number | null;
      readonly rows: R[];
    }

    class Client {
      constructor(config?: ClientConfig);
      /** The backend's process id once connected (undocumented but stable). */
      readonly processID: number | null;
      connect(): Promise<void>;
      query<R = Record<string, unknown>>(sql: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
      end(): Promise<void>;
      on(event: 'error', listener: (error: Error) => void): this;
      /** The connection ended (by `end()`, or because the server or the network closed it). */
      on(event: 'end', listener: () => void): this;
    }

    class Pool {
      constructor(config?: PoolConfig);
      readonly options: object;
      connect(): Promise<Client & { release(error?: Error | boolean): void }>;
      /** Runs one statement on a client checked out for it. */
      query<R = Record<string, unknown>>(sql: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
      end(): Promise<void>;
      on(event: 'error', listener: (error: Error) => void): this;
      on(event: 'connect', listener: (client: Client) => void): this;
      /** A client is checked out (`connect()` is about to resolve with it). */
      on(event: 'acquire', listener: (client: Client) => void): this;
      /** A checked-out client is given back. */
      on(event: 'release', listener: (error: Error | undefined, client: Client) => void): this;
    }
  }

  const pg: { readonly Client: typeof pg.Client; readonly Pool: typeof pg.Pool };
  export default pg;
  export type Client = pg.Client;
  export type Pool = pg.Pool;
  export type ClientConfig = pg.ClientConfig;
  export type PoolConfig = pg.PoolConfig;
  export type QueryResult<R = Record<string, unknown>> = pg.QueryResult<R>;
}

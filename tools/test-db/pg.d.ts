// pg 8 ships no type declarations; the part this helper uses (the adapter has its own, larger one).
declare module 'pg' {
  namespace pg {
    class Client {
      constructor(config: { readonly connectionString: string; readonly application_name?: string });
      connect(): Promise<void>;
      query(sql: string): Promise<unknown>;
      end(): Promise<void>;
      on(event: 'error', listener: (error: Error) => void): this;
    }
  }
  const pg: { readonly Client: typeof pg.Client };
  export default pg;
}

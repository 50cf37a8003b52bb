// better-sqlite3 13 ships no type declarations; this covers the part the adapter uses.
declare module 'better-sqlite3' {
  namespace Database {
    interface Options {
      readonly readonly?: boolean;
      readonly fileMustExist?: boolean;
      /** Busy timeout in milliseconds. */
      readonly timeout?: number;
    }

    interface RunResult {
      readonly changes: number;
      readonly lastInsertRowid: number | bigint;
    }

    interface Statement {
      readonly reader: boolean;
      all(parameters: readonly unknown[]): unknown[];
      run(parameters: readonly unknown[]): RunResult;
      iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
    }

    interface Database {
      readonly open: boolean;
      readonly inTransaction: boolean;
      readonly name: string;
      prepare(sql: string): Statement;
      exec(sql: string): this;
      close(): this;
    }
  }

  const Database: new (filename: string, options?: Database.Options) => Database.Database;
  export default Database;
}

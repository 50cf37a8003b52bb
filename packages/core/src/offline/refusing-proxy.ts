/**
 * A stand-in for `op.db` and `op.connection` where there is no database to read:
 * offline rendering and the replay of earlier revisions.
 *
 * @packageDocumentation
 */

/**
 * An object whose every use calls `refuse` with what was used (`op.db.selectFrom`).
 * `then` is left undefined so that returning or awaiting it does not count as a use.
 */
export function refusingProxy(name: string, refuse: (use: string) => never): unknown {
  return new Proxy(
    {},
    {
      get: (_target, property) => {
        if (property === 'then' || typeof property === 'symbol') return undefined;
        return refuse(`${name}.${String(property)}`);
      },
      has: () => refuse(name),
      set: () => refuse(name),
    },
  );
}

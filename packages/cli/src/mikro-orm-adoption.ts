/**
 * The kit's MikroORM entry (`@cloudguard/migrate-adapter-kit/mikro-orm`), imported only
 * when `import mikro-orm` runs: it loads MikroORM, which no other command needs, and the
 * CLI reaches the kit only through `await import()` (docs/architecture.md, its layers).
 * Its types are read from that import.
 */
export function loadMikroOrmAdoption() {
  return import('@cloudguard/migrate-adapter-kit/mikro-orm');
}

/** What `import mikro-orm` returns and prints with `--json` (the kit's `MikroOrmAdoptionResult`). */
export type MikroOrmAdoptionResult = Awaited<ReturnType<Awaited<ReturnType<typeof loadMikroOrmAdoption>>['adoptMikroOrmProject']>>;

/** One adopted migration of a {@link MikroOrmAdoptionResult}. */
export type AdoptedRevision = MikroOrmAdoptionResult['revisions'][number];

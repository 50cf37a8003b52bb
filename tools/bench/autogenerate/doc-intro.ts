/** The opening of docs/benchmarks/autogenerate.md, above the generated results. */
export const INTRO = `# Benchmark: \`revision --autogenerate\` and \`check\`

Issue 5: autogenerate and the drift check run on a developer's machine and in CI. The bench
generates a model of 200 tables × 8 columns (an integer key, two strings, one unique, a
number, a timestamp, a flag, a nullable text, and a foreign key to an earlier table), with an
index on \`name\` and one on each foreign key: as MikroORM 7 entities (\`defineEntity\`, one ESM
module) for cgmigrate and MikroORM's CLI, and as SQLAlchemy tables for Alembic. Each tool gets
its own project and database, and runs its own command from the project's folder:
\`cgmigrate revision --autogenerate\` and \`cgmigrate check\`, Debian's \`alembic revision
--autogenerate\`, and \`mikro-orm migration:create\` (\`@mikro-orm/cli\` and
\`@mikro-orm/migrations\` 7.2.1, with \`snapshot: false\` so that it compares with the database
as the others do). Against an empty database every table is new; against a database at head
(each tool's own first migration, applied with its own upgrade) nothing differs (Alembic 1.8
still writes a file). Before each run, what the previous run wrote is deleted (hyperfine's
\`--prepare\`, not timed). Each command's output is checked once before timing.

Run it after \`npx nx run-many -t build\`:

\`\`\`sh
npx node tools/bench/autogenerate/run.ts          # full: ~8 minutes, rewrites the results below
npx node tools/bench/autogenerate/run.ts --quick  # 3 runs each, prints only
\`\`\`

## Results
`;

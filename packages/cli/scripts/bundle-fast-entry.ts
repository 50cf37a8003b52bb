/**
 * Bundles the fast entry (`dist/run/fast-entry.js`, see `src/run/fast-entry.ts`) with
 * everything it imports into `dist/fast/`, which `bin/run.js` loads.
 *
 * Why: Node's ES module loader costs about a third of a millisecond per module, even with
 * the compile cache, and an `upgrade` loads ~500 of them (Kysely alone is 254, MikroORM's
 * core, sql and sqlite packages ~170 more). In a handful of chunks the same code loads in a
 * tenth of the time. The fast entry runs only in a closed world (no user plugins, built-in
 * adapters only), so no second copy of MikroORM or Kysely can meet this one; the oclif path
 * keeps loading the packages themselves. Core and the adapters are entries of their own
 * (`src/run/bundled-packages.ts`): a config file or a migration that imports them gets
 * these chunks, the very modules the fast entry runs, instead of a second copy.
 *
 * Code splitting keeps the laziness of the sources: each command body and each adapter is
 * its own chunk, so `history` loads no adapter and a SQLite run loads nothing of PostgreSQL.
 * The database drivers stay outside: better-sqlite3 finds its native addon beside its own
 * files, and pg keeps its optional native binding. The bundle imports them from the CLI's
 * own location, so the CLI depends on them too, at the versions its adapters pin.
 *
 * Run by the project's `build` target after `tsc`: `node scripts/bundle-fast-entry.ts`.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';
import { BUNDLED_PACKAGES } from '../dist/run/bundled-packages.js';
import { INERT_KEYS } from '../dist/run/command-line.js';

/**
 * Packages the bundle leaves to Node's loader: the drivers, and libpg-query, which loads
 * its WebAssembly build from beside its own module.
 */
const DRIVERS = ['better-sqlite3', 'pg', 'libpg-query'];

/**
 * Optional peers of MikroORM that cgmigrate does not install: MikroORM imports them only
 * when a project turns their feature on, which the adapters never do.
 */
const OPTIONAL_PEERS = ['dataloader'];

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

interface Manifest {
  readonly dependencies?: Readonly<Record<string, string>>;
}

/** Each driver must be the CLI's own dependency, at the version of the adapter that uses it. */
function checkDriverVersions(): void {
  const manifestUrl = new URL('../package.json', import.meta.url);
  const cli = JSON.parse(readFileSync(manifestUrl, 'utf8')) as Manifest;
  const require = createRequire(manifestUrl);
  const adapters = Object.keys(cli.dependencies ?? {}).filter((name) => name.startsWith('@cloudguard/migrate-adapter-'));
  for (const driver of DRIVERS) {
    for (const adapter of adapters) {
      const pinned = (JSON.parse(readFileSync(require.resolve(`${adapter}/package.json`), 'utf8')) as Manifest).dependencies?.[driver];
      if (pinned !== undefined && cli.dependencies?.[driver] !== pinned) {
        throw new Error(`${adapter} depends on ${driver} ${pinned}, the CLI on ${cli.dependencies?.[driver] ?? 'nothing'}: make them equal.`);
      }
    }
  }
}

const entry = fileURLToPath(new URL('../dist/run/fast-entry.js', import.meta.url));
// Core and the adapters are entries too, exporting what the packages export: a config file's or a
// migration's import of them loads these chunks (src/run/bundled-packages.ts), not a second copy.
const packageEntries = Object.fromEntries(Object.entries(BUNDLED_PACKAGES).map(([name, chunk]) => [chunk, fileURLToPath(import.meta.resolve(name))]));
const outDir = fileURLToPath(new URL('../dist/fast/', import.meta.url));

checkDriverVersions();

// Chunk names carry content hashes: chunks of an earlier build would stay behind.
rmSync(outDir, { recursive: true, force: true });

/**
 * The fast entry reads the commands' flags and arguments from oclif's manifest
 * (`src/run/command-manifest.ts`). The bundle carries them instead, without the help texts
 * (7 KB of the manifest's 49): no file to read and parse on every start. `oclif manifest`
 * has just written the manifest from the same build's command classes.
 */
function embedCommandManifest(): Plugin {
  const module = fileURLToPath(new URL('../dist/run/command-manifest.js', import.meta.url));
  return {
    name: 'embed-command-manifest',
    load(id) {
      if (id !== module) return null;
      const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, CommandEntry> };
      const commands = Object.fromEntries(Object.entries(manifest.commands).map(([name, command]) => [name, withoutInertKeys(command)]));
      // A string for JSON.parse: quicker to read than the same object written as code.
      return `export function manifestCommands() {\n  return JSON.parse(${JSON.stringify(JSON.stringify(commands))});\n}\n`;
    },
  };
}

interface CommandEntry {
  readonly flags?: Record<string, object>;
  readonly args?: Record<string, object>;
  readonly [key: string]: unknown;
}

function withoutInertKeys(command: CommandEntry): CommandEntry {
  const keep = (entry: object, inert: ReadonlySet<string>) => Object.fromEntries(Object.entries(entry).filter(([key]) => !inert.has(key)));
  const mapValues = (entries: Record<string, object> | undefined, inert: ReadonlySet<string>) =>
    entries && Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, keep(entry, inert)]));
  return { ...keep(command, INERT_KEYS.command), flags: mapValues(command.flags, INERT_KEYS.flag), args: mapValues(command.args, INERT_KEYS.arg) };
}

const started = performance.now();
const { output } = await build({
  input: { 'fast-entry': entry, ...packageEntries },
  platform: 'node',
  external: (id) => BUILTINS.has(id) || DRIVERS.some((driver) => id === driver || id.startsWith(`${driver}/`)),
  logLevel: 'warn',
  plugins: [embedCommandManifest()],
  output: {
    dir: outDir,
    format: 'esm',
    // Node's compile cache hashes each chunk's text on every start, after encoding it as UTF-8:
    // a chunk with a single character past Latin-1 is held as UTF-16 and costs several times
    // more. Escaped non-ASCII characters and no JSDoc keep every chunk one byte per character.
    charset: 'ascii',
    comments: { legal: true, annotation: false, jsdoc: false },
    // Not read at run time (Node reads maps only with --enable-source-maps); they let a stack
    // trace be mapped back to the sources, and let tests name the modules a chunk holds.
    sourcemap: true,
  },
});

// Anything else left outside would load module by module again, and in a global install
// might not even resolve from here: fail the build rather than ship it.
const chunks = output.filter((item) => item.type === 'chunk');
const ownFiles = new Set(chunks.map((chunk) => chunk.fileName));
const leftOutside = new Set(
  chunks.flatMap((chunk) => [...chunk.imports, ...chunk.dynamicImports]).filter((id) => !ownFiles.has(id) && !BUILTINS.has(id) && !DRIVERS.includes(id) && !OPTIONAL_PEERS.includes(id)),
);
if (leftOutside.size > 0) {
  throw new Error(`The fast entry's bundle imports ${[...leftOutside].join(', ')} from outside; bundle it or add it to DRIVERS.`);
}
// See `charset` above: one character past ASCII makes Node hash a chunk's text the slow way.
const wide = chunks.filter((chunk) => /[\u0080-\uffff]/.test(chunk.code)).map((chunk) => chunk.fileName);
if (wide.length > 0) throw new Error(`Chunks with characters past ASCII: ${wide.join(', ')}.`);

writeFileSync(path.join(outDir, 'THIRD_PARTY_LICENSES.md'), thirdPartyLicenses(chunks.flatMap((chunk) => chunk.moduleIds)));

const bytes = chunks.reduce((sum, chunk) => sum + chunk.code.length, 0);
console.log(`dist/fast: ${chunks.length} chunks, ${(bytes / 1024).toFixed(0)} KiB, in ${(performance.now() - started).toFixed(0)} ms`);

/**
 * The license of every package from node_modules the bundle copies code from, as their
 * licenses ask of a copy: name, version, license name and the package's license file.
 */
function thirdPartyLicenses(moduleIds: readonly string[]): string {
  const roots = new Set<string>();
  for (const id of moduleIds) {
    const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id);
    if (match) roots.add(match[1]!);
  }
  const sections = [...roots]
    .map((root) => {
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
      const licenseFile = readdirSync(root).find((name) => /^licen[cs]e(\.(md|txt))?$/i.test(name));
      const text = licenseFile ? readFileSync(path.join(root, licenseFile), 'utf8').trim() : `License: ${manifest.license ?? 'not stated'}`;
      return { name: manifest.name, body: `## ${manifest.name} ${manifest.version} (${manifest.license ?? 'license not stated'})\n\n\`\`\`\n${text}\n\`\`\`\n` };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return `# Third-party code in dist/fast\n\nThe fast entry's bundle holds code of these packages.\n\n${sections.map((section) => section.body).join('\n')}`;
}

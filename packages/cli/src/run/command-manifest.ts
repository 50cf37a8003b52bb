import { readFileSync } from 'node:fs';
import type { Interfaces } from '@oclif/core';

/**
 * The commands of oclif's manifest (`oclif.manifest.json`, which `oclif manifest` writes
 * in the build from the command classes), by id: their flags and arguments, which the fast
 * entry parses by. Read from the package here. The fast entry's bundle carries them
 * instead (`scripts/bundle-fast-entry.ts` puts the manifest's commands, without their help
 * texts, in place of this module): no file to read and 50 KB less JSON to parse on every
 * start.
 */
export function manifestCommands(): Interfaces.Manifest['commands'] {
  return (JSON.parse(readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as Interfaces.Manifest).commands;
}

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { importCycles, importGraph } from './import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Every workspace package's source folder. */
const sourceFolders = ['packages', 'examples'].flatMap((group) =>
  readdirSync(path.join(root, group))
    .map((name) => path.join(group, name, 'src'))
    .filter((folder) => existsSync(path.join(root, folder))),
);

describe('imports inside each package', () => {
  it.each(sourceFolders)('%s has no import cycle, type-only and dynamic imports included', (folder) => {
    const cycles = importCycles(importGraph(path.join(root, folder))).map((cycle) =>
      cycle.map((file) => path.relative(path.join(root, folder), file)).join(' ↔ '),
    );
    expect(cycles).toEqual([]);
  });
});

describe('importCycles', () => {
  it('finds a cycle through any number of modules, and a module that imports itself', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });
});

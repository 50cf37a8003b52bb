import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { NODE_SQL_PARSER_VERSION } from '../../src/sql-reading/index.js';

describe('NODE_SQL_PARSER_VERSION', () => {
  it('is the version of node-sql-parser installed, so that caches of what its grammars read are keyed by it', () => {
    const installed = (createRequire(import.meta.url)('node-sql-parser/package.json') as { version: string }).version;
    expect(NODE_SQL_PARSER_VERSION, 'node-sql-parser was upgraded: set NODE_SQL_PARSER_VERSION to its version').toBe(installed);
  });
});

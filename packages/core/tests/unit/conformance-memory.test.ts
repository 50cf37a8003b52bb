import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { defineAdapterConformanceSuite } from '../../src/testing/conformance/index.js';
import { createMemoryAdapter } from '../../src/testing/index.js';

defineAdapterConformanceSuite({
  name: 'memory',
  adapter: () => createMemoryAdapter({ failOn: /cgm_conformance_missing/ }),
  database: async () => ({ url: `memory://${randomUUID()}`, cwd: tmpdir(), drop: async () => {} }),
  sql: false,
  skip: {
    'versionStore.custom-table': 'the memory twin keeps one version table per database, whatever its name',
    'auditStore.custom-table': 'the memory twin keeps one audit table per database, whatever its name',
  },
});

describe('the testing entry', () => {
  const coreDir = fileURLToPath(new URL('../..', import.meta.url));

  /** The bare specifiers a fresh Node.js process resolves while importing `entry` (built). */
  function importedSpecifiers(entry: string): string[] {
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { if (!/^[./]|^node:|^file:/.test(specifier)) seen.push(specifier); return next(specifier, context); } });
      await import(${JSON.stringify(entry)}).catch(() => {});
      process.stdout.write(JSON.stringify(seen));
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: coreDir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as string[];
  }

  it('is the only one that loads vitest: the in-memory adapter of /testing works under any test runner', () => {
    expect(importedSpecifiers('@cloudguard/migrate-core')).not.toContain('vitest');
    expect(importedSpecifiers('@cloudguard/migrate-core/adapter')).not.toContain('vitest');
    expect(importedSpecifiers('@cloudguard/migrate-core/testing')).not.toContain('vitest');
    expect(importedSpecifiers('@cloudguard/migrate-core/conformance')).toContain('vitest');
  });
});

#!/usr/bin/env node
import module from 'node:module';

// Node caches the compiled code of oclif, core and the user's .ts migrations across
// runs (in the OS temp dir): a status command starts about a third faster.
module.enableCompileCache?.();

const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });

#!/usr/bin/env node
// Installs the workspace's npm packages when they are missing or older than package-lock.json,
// so that a command run from a fresh clone (`npm run example:upgrade`) needs nothing done first.
// Plain JavaScript on purpose: before the install, `npm run` still uses the system's Node,
// which may be older than the Node 24 the workspace brings.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The modification time of a file in ms, or undefined when it does not exist. */
function modified(file) {
  try {
    return statSync(path.join(root, file)).mtimeMs;
  } catch {
    return undefined;
  }
}

// npm ci and npm install write node_modules/.package-lock.json last, after every package is in place.
const installed = modified('node_modules/.package-lock.json');
const locked = modified('package-lock.json');
if (installed !== undefined && locked !== undefined && installed >= locked) process.exit(0);

process.stderr.write(
  installed === undefined
    ? 'Installing the npm packages (npm ci), once after a fresh clone…\n'
    : 'package-lock.json changed since the last install: running npm ci…\n',
);
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `This is Node ${process.versions.node}: npm warns "EBADENGINE" for each package below, which is expected. ` +
      'The install brings Node 24 (the devDependency "node"), and every npm script after it runs on that.\n',
  );
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci'], { cwd: root, stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`Could not run npm ci: ${result.error.message}\n`);
  process.exit(1);
}
process.exit(result.status ?? 1);

/**
 * Where a process's time went, from the `.cpuprofile` that `node --cpu-prof` writes:
 * self time per function and per package (a workspace package, a dependency in
 * node_modules, or Node's own code), largest first.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function or package, in ms. */
export interface ProfileEntry {
  readonly name: string;
  readonly ms: number;
}

/** A profile summed up. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly functions: readonly ProfileEntry[];
  readonly packages: readonly ProfileEntry[];
}

/** Sums the self time of each sampled function and package of the profile in `file`. */
export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, index) => {
    // A sample's time is the delta to the next one.
    const us = profile.timeDeltas[index + 1] ?? 0;
    totalUs += us;
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) return;
    const where = frame.url === '' ? '' : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
    const fn = `${frame.functionName || '(anonymous)'}${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const pkg = packageOf(frame.url, frame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  });
  const sorted = (map: Map<string, number>) => [...map].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
  return { totalMs: totalUs / 1000, functions: sorted(functions), packages: sorted(packages) };
}

/** The package a script belongs to: `packages/core`, `node_modules/libpg-query`, `node:internal`, or what V8 names it. */
function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node (built-in modules)';
  if (url.startsWith('wasm://')) return 'WebAssembly';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency !== null) return `node_modules/${dependency[1]}`;
  const workspace = /\/(packages\/[^/]+)\//.exec(url);
  if (workspace !== null) return workspace[1]!;
  if (/\/migrations\/versions\//.test(url)) return "the project's migrations";
  return shortUrl(url);
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\//, '').replace(/^.*?\/(packages\/|node_modules\/)/, '$1');
}

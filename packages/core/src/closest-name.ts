/**
 * The name closest to what was typed (a command id, a config key), by edit distance, or
 * `undefined` when none is close enough to be a plausible typo (more edits than half the
 * typed word). For "did you mean": the CLI's command-not-found hook and CONFIG_INVALID hint, a
 * misspelt lint rule id in config.
 *
 * ### Examples
 * ```ts
 * closestName('upgarde', ['upgrade', 'downgrade', 'current'])   // 'upgrade'
 * closestName('deploy', ['upgrade', 'current'])                 // undefined
 * closestName('scriptLocaton', ['url', 'scriptLocation'])       // 'scriptLocation'
 * ```
 */
export function closestName(typed: string, ids: readonly string[]): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const id of ids) {
    const distance = editDistance(typed.toLowerCase(), id.toLowerCase());
    if (best === undefined || distance < best.distance) best = { id, distance };
  }
  if (best === undefined || best.distance > Math.max(2, Math.ceil(typed.length / 2))) return undefined;
  return best.id;
}

/** Levenshtein distance (insertions, deletions, substitutions), one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length]!;
}

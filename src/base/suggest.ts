/**
 * "Did you mean": the closest names to a misspelt one. One implementation for every place that
 * rejects a name (flags, commands, scenario names, fields, phase kinds, counters, stages).
 */

/**
 * Optimal-string-alignment distance, case-insensitive: insertions, deletions, substitutions and
 * swaps of two neighbours each cost 1, so `lsot` is 1 from `lost` (plain Levenshtein says 2).
 */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i += 1) {
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[x.length]![y.length]!;
}

/** How far a name may be from a candidate and still be suggested: 1 edit per 4 letters, at least 1, at most 3. */
function tolerance(candidate: string): number {
  return Math.min(3, Math.max(1, Math.floor(candidate.length / 4)));
}

/**
 * The candidates close to `name`, closest first (at most `limit`). A candidate that starts with
 * the name (`--dry` for `--dry-run`) counts as close too.
 */
export function closestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const scored: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(name, candidate);
    const prefix = name.length >= 3 && candidate.toLowerCase().startsWith(name.toLowerCase());
    if (distance <= tolerance(candidate) || prefix) scored.push({ candidate, distance: prefix ? Math.min(distance, 1) : distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

/**
 * `did you mean "smoke"?` (quoted with `quote`), or undefined when nothing is close. The caller
 * puts it in the error's hint or message.
 */
export function didYouMean(name: string, candidates: readonly string[], quote: (s: string) => string = (s) => `"${s}"`): string | undefined {
  const close = closestNames(name, candidates);
  return close.length === 0 ? undefined : `did you mean ${close.map(quote).join(' or ')}?`;
}

/**
 * "Did you mean" for unknown keys. Only names are compared here (key names
 * are not secrets), never values.
 */

/**
 * Optimal-string-alignment distance: Levenshtein plus transposition of two
 * adjacent characters, so `secert` is one edit from `secret`.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j++) d[0]![j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[rows - 1]![cols - 1]!;
}

/**
 * The candidate closest to `input` (ignoring case), or `undefined` when none
 * is close enough: at most 1 edit for names up to 4 characters, 2 up to 8,
 * 3 beyond — tight enough that unrelated short names are not suggested.
 * Ties go to the earlier candidate.
 */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    // The distance is at least the difference in length, and the limit is at
    // most 3: skip the table (length × length) for hopeless candidates.
    if (Math.abs(candidate.length - input.length) > 3) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit =
      Math.max(input.length, candidate.length) <= 4 ? 1 : Math.max(input.length, candidate.length) <= 8 ? 2 : 3;
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

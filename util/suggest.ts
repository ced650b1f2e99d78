import { closest, distance } from 'fastest-levenshtein';

/**
 * "Did you mean" for a misspelt key: the closest candidate within a distance that scales with the
 * word's length (so `replica` → `replicas`, but `foo` does not suggest `tolerations`).
 */
export function suggestKey(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = input.toLowerCase();
  const caseInsensitive = candidates.find((c) => c.toLowerCase() === lower);
  if (caseInsensitive) return caseInsensitive;
  const best = closest(input, candidates as string[]);
  const limit = Math.max(1, Math.min(3, Math.floor(input.length / 3)));
  return distance(input, best) <= limit ? best : undefined;
}

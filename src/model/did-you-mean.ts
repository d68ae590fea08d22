// "Did you mean …?" for names the user mistyped (service names, config keys).
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `name`, if it is close enough to be a plausible
 * typo: at most a third of the name's length in edits (at least 1, at most 3).
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  // Sorted so ties resolve the same way every run.
  for (const candidate of [...candidates].sort()) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** A hint sentence: `did you mean "ollama"?`, or the fallback. */
export function didYouMean(name: string, candidates: Iterable<string>, fallback: string): string {
  const list = [...candidates];
  const best = closestName(name, list);
  return best !== undefined ? `did you mean "${best}"? ${fallback}` : fallback;
}

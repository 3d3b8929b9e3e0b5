import type { Ranker } from './ranker.js';

/** Random: any feasible instance is as good as another; the generator is seeded by the caller. */
export function random(next: () => number): Ranker {
  return { score: () => next(), placed: () => undefined };
}

import type { Candidate, Ranker } from './ranker.js';

/** Binpack: the instance left with the least of the field after the copy lands, so fewer instances stay busy. */
export function binpack(field: 'cpu' | 'memory'): Ranker {
  return {
    score: (candidate: Candidate) => (field === 'cpu' ? candidate.remainingCpu : candidate.remainingMemory),
    placed: () => undefined,
  };
}

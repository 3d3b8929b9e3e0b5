import type { ContainerInstance } from '../../state/types.js';

/** An instance that can take the next copy, with what it has left after the copies placed so far. */
export interface Candidate {
  instance: ContainerInstance;
  remainingCpu: number;
  remainingMemory: number;
}

/** One strategy's view: a score per candidate (lower is better) and a hook to learn where a copy went. */
export interface Ranker {
  score(candidate: Candidate): number;
  placed(candidate: Candidate): void;
}

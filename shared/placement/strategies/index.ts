import type { ContainerInstance, Task } from '../../state/types.js';
import type { PlacementStrategy } from '../types.js';
import { binpack } from './binpack.js';
import { random } from './random.js';
import type { Candidate, Ranker } from './ranker.js';
import { spread } from './spread.js';

export type { Candidate, Ranker } from './ranker.js';

export interface RankingContext {
  random: () => number;
  peers: readonly Task[];
  instanceByArn: (arn: string) => ContainerInstance | undefined;
}

/**
 * A chain of strategies as one comparison: candidates are ordered by the first strategy, ties
 * broken by the next, and so on (as ECS applies them); the instance ARN breaks any tie left, so
 * placement is deterministic.
 */
export class RankingChain {
  private readonly rankers: Ranker[];

  constructor(strategies: readonly PlacementStrategy[], context: RankingContext) {
    this.rankers = strategies.map((strategy) => rankerFor(strategy, context));
  }

  /** The best candidate, or undefined when there is none. */
  best(candidates: readonly Candidate[]): Candidate | undefined {
    let best: Candidate | undefined;
    let bestScores: number[] = [];
    for (const candidate of candidates) {
      const scores = this.rankers.map((ranker) => ranker.score(candidate));
      if (best === undefined || isBetter(scores, candidate, bestScores, best)) {
        best = candidate;
        bestScores = scores;
      }
    }
    return best;
  }

  placed(candidate: Candidate): void {
    for (const ranker of this.rankers) ranker.placed(candidate);
  }
}

function isBetter(scores: number[], candidate: Candidate, bestScores: number[], best: Candidate): boolean {
  for (let i = 0; i < scores.length; i += 1) {
    if (scores[i]! !== bestScores[i]!) return scores[i]! < bestScores[i]!;
  }
  return candidate.instance.arn < best.instance.arn;
}

function rankerFor(strategy: PlacementStrategy, context: RankingContext): Ranker {
  switch (strategy.type) {
    case 'random':
      return random(context.random);
    case 'binpack':
      return binpack(strategy.field);
    case 'spread':
      return spread(strategy.field, context.peers, context.instanceByArn);
  }
}

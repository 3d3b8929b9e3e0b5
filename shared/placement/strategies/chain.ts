import { isSpreadField } from './spread.js';

/** ECS accepts at most five strategies in a chain. */
export const MAX_STRATEGIES = 5;

/**
 * Problems with a strategy chain, each naming its position, for validation at synth and in the
 * CLI. It reads strategies as shapes rather than as PlacementStrategy, which the config schema
 * defines: the schema calls this, so the engine's check must not depend on the schema's types.
 */
export function strategyProblems(strategies: ReadonlyArray<{ type: string; field?: string }>): string[] {
  const problems: string[] = [];
  if (strategies.length > MAX_STRATEGIES) {
    problems.push(`at most ${MAX_STRATEGIES} placement strategies may be chained, found ${strategies.length}`);
  }
  strategies.forEach((strategy, index) => {
    const where = `placement strategy ${index + 1}`;
    if (strategy.type === 'binpack' && strategy.field !== 'cpu' && strategy.field !== 'memory') {
      problems.push(`${where}: binpack field must be "cpu" or "memory", found "${String(strategy.field)}"`);
    }
    if (strategy.type === 'spread' && !isSpreadField(strategy.field ?? '')) {
      problems.push(`${where}: spread field must be "instanceId", "host" or "attribute:NAME", found "${strategy.field}"`);
    }
  });
  return problems;
}

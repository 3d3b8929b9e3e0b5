import type { ContainerInstance, Task } from '../../state/types.js';
import type { Candidate, Ranker } from './ranker.js';

/**
 * Spread: the value of `field` (an instance, or an attribute such as the availability zone) that
 * holds the fewest copies so far wins. Copies already running count, so repeated runs stay
 * balanced; instances without the attribute share one bucket of their own.
 */
export function spread(field: string, peers: readonly Task[], instanceByArn: (arn: string) => ContainerInstance | undefined): Ranker {
  const valueOf = spreadValue(field);
  const counts = new Map<string, number>();
  for (const task of peers) {
    const instance = task.containerInstanceArn ? instanceByArn(task.containerInstanceArn) : undefined;
    if (!instance) continue;
    const value = valueOf(instance);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return {
    score: (candidate: Candidate) => counts.get(valueOf(candidate.instance)) ?? 0,
    placed: (candidate: Candidate) => {
      const value = valueOf(candidate.instance);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    },
  };
}

const ATTRIBUTE_PREFIX = 'attribute:';

function spreadValue(field: string): (instance: ContainerInstance) => string {
  if (field === 'instanceId' || field === 'host') return (instance) => instance.arn;
  const name = field.slice(ATTRIBUTE_PREFIX.length);
  // A leading character no attribute value can start with keeps "missing" apart from any real value.
  return (instance) => instance.attributes.get(name) ?? '\u0000missing';
}

/** Fields ECS accepts for spread. */
export function isSpreadField(field: string): boolean {
  return field === 'instanceId' || field === 'host' || (field.startsWith(ATTRIBUTE_PREFIX) && field.length > ATTRIBUTE_PREFIX.length);
}

import type { ClusterView } from '../state/view.js';
import { compileConstraints } from './constraints.js';
import { instanceFacts } from './facts.js';
import type { PlacementConstraint } from './types.js';

/**
 * Why no copy could ever be placed, when that is so: the cluster has instances, and the memberOf
 * constraints accept none of them, whatever their status or room. That is not a lack of capacity
 * (retrying until the starting deadline would only hold the function), but a mistake in the
 * constraint or in the instances' attributes. A constraint on task:group is left out: it may
 * match once other tasks start.
 */
export function constraintMatchesNoInstance(snapshot: ClusterView, constraints: readonly PlacementConstraint[]): string | undefined {
  const { memberOf, readsTaskGroups } = compileConstraints(constraints);
  if (!memberOf || readsTaskGroups) return undefined;
  const instances = snapshot.instances();
  if (instances.length === 0 || instances.some((instance) => memberOf(instanceFacts(instance, new Map())))) return undefined;
  const expressions = constraints.flatMap((constraint) => (constraint.type === 'memberOf' ? [JSON.stringify(constraint.expression)] : []));
  return `no instance of the cluster matches the constraint ${expressions.join(' and ')} (${instances.length} instance${instances.length === 1 ? '' : 's'}, whatever their room): no copy could ever start; fix the constraint or the instances' attributes`;
}

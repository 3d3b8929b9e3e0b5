import { compileConstraints } from '../../placement/constraints.js';
import type { TaskDefinitionInfo, TaskScope } from '../../state/types.js';
import type { CronRule } from './rule.js';

/**
 * The tasks a slot's snapshot must hold: the family's, STOPPED ones included, since a slot whose
 * copies already ran and ended must be seen as done. A memberOf expression that reads task:group
 * needs every task's group, so then every running task, plus the family's STOPPED ones.
 */
export function cronScope(rule: CronRule, target: TaskDefinitionInfo): TaskScope {
  const { readsTaskGroups } = compileConstraints(rule.placement?.constraints ?? []);
  return readsTaskGroups ? { kind: 'all', stoppedFamily: target.family } : { kind: 'family', family: target.family, includeStopped: true };
}

import { compileConstraints } from '../../placement/constraints.js';
import type { TaskDefinitionInfo, TaskScope } from '../../state/types.js';
import type { CronRule } from './rule.js';

/**
 * The tasks a slot's snapshot must hold: the family's, STOPPED ones included, since a slot whose
 * copies already ran and ended must be seen as done. A memberOf expression that reads task:group
 * needs every task's group, so then every running task, plus the family's STOPPED ones.
 *
 * `claimedNow` leaves the STOPPED ones out (one ListTasks less, from the account's shared read
 * bucket) for the first look at a slot claimed in the ledger just now: no copy under its key can
 * have started, let alone stopped (the claim comes before any StartTask, and the ledger keeps a
 * slot for 90 days, ECS a stopped task for about an hour), and other slots' runs count for
 * overlap only while they are asked to run. Not for Replace: it waits for earlier runs that are
 * stopping (asked to stop, not yet STOPPED), which only the STOPPED list shows.
 */
export function cronScope(rule: CronRule, target: TaskDefinitionInfo, { claimedNow = false }: { claimedNow?: boolean } = {}): TaskScope {
  const stopped = !claimedNow || rule.overlapPolicy === 'Replace';
  const { readsTaskGroups } = compileConstraints(rule.placement?.constraints ?? []);
  if (readsTaskGroups) return stopped ? { kind: 'all', stoppedFamily: target.family } : { kind: 'all' };
  return { kind: 'family', family: target.family, includeStopped: stopped };
}

import type { ClusterView } from '../../state/view.js';
import type { Task } from '../../state/types.js';
import { cronRulePrefix, slotOfKey, type CronRule } from './rule.js';

export { isLive } from '../../state/liveness.js';

/**
 * Every task of the rule in the snapshot, whatever its slot and status. The snapshot holds the
 * STOPPED tasks ECS still lists (see cronScope), which is how a slot that ran and ended is known.
 */
export function runsOf(snapshot: ClusterView, rule: CronRule): Task[] {
  return snapshot.tasks({ startedByPrefix: cronRulePrefix(rule) });
}

/** The slot a run belongs to, as ISO text for reasons; the raw startedBy if it names no slot. */
export function slotLabel(rule: CronRule, run: Task): string {
  return slotOfKey(rule, run.startedBy)?.toISOString() ?? String(run.startedBy);
}

import { isLive } from '../../state/liveness.js';
import type { ClusterView } from '../../state/view.js';
import type { Task } from '../../state/types.js';
import type { PlannedStop } from '../plan.js';
import { daemonKey, type DaemonRule } from './rule.js';

/**
 * The copies two reconciles at once put on one instance, as stops: all but the oldest live copy
 * on each instance (creation time, then ARN). The order is by age alone, not by how far each copy
 * got, so every invocation that looks, whenever it looks, picks the same copy to keep: two racing
 * reconciles that both check stop the same newer copy, never both.
 */
export function newerDuplicates(snapshot: ClusterView, rule: DaemonRule): PlannedStop[] {
  const byInstance = new Map<string, Task[]>();
  for (const copy of snapshot.tasks({ startedBy: daemonKey(rule) }).filter(isLive)) {
    if (!copy.containerInstanceArn) continue;
    byInstance.set(copy.containerInstanceArn, [...(byInstance.get(copy.containerInstanceArn) ?? []), copy]);
  }
  const stops: PlannedStop[] = [];
  for (const copies of byInstance.values()) {
    const [kept, ...newer] = copies.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.arn.localeCompare(b.arn));
    for (const copy of newer) {
      stops.push({ taskArn: copy.arn, reason: `daemon ${rule.name}: duplicate copy started by a concurrent reconcile, keeping the oldest ${kept!.arn}` });
    }
  }
  return stops;
}

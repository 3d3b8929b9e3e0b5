import type { Task } from '../../state/types.js';
import type { PlannedStop } from '../plan.js';
import { cronStopReason, slotOfKey, type CronRule } from './rule.js';
import { slotLabel } from './runs.js';

export type OverlapDecision =
  | { kind: 'go'; stops: PlannedStop[] }
  | { kind: 'skip'; reason: 'overlap-forbidden' | 'too-late'; detail: string };

/**
 * What the overlap policy makes of the runs of other slots that are still going:
 * - Allow: nothing; the slot runs alongside them.
 * - Forbid (the default): the slot is skipped while any of them goes.
 * - Replace: they are stopped and the slot starts. Only runs of earlier slots are replaced: a late
 *   delivery of an older slot must not kill the run of a newer one, so such a slot is skipped as
 *   too late (superseded). A run whose startedBy names no slot counts as earlier.
 */
export function resolveOverlap(rule: CronRule, slot: Date, going: readonly Task[]): OverlapDecision {
  if (going.length === 0) return { kind: 'go', stops: [] };
  const policy = rule.overlapPolicy ?? 'Forbid';
  const slots = [...new Set(going.map((run) => slotLabel(rule, run)))].join(', ');
  switch (policy) {
    case 'Allow':
      return { kind: 'go', stops: [] };
    case 'Forbid':
      return { kind: 'skip', reason: 'overlap-forbidden', detail: `overlap policy Forbid, and the run of slot ${slots} is still going` };
    case 'Replace': {
      const newer = going.filter((run) => (slotOfKey(rule, run.startedBy)?.getTime() ?? -Infinity) > slot.getTime());
      if (newer.length > 0) {
        const label = [...new Set(newer.map((run) => slotLabel(rule, run)))].join(', ');
        return { kind: 'skip', reason: 'too-late', detail: `superseded: the run of the later slot ${label} is already going` };
      }
      const reason = cronStopReason(rule, `replaced by the run for slot ${slot.toISOString()} (overlap policy Replace)`);
      return { kind: 'go', stops: going.map((run) => ({ taskArn: run.arn, reason })) };
    }
  }
}

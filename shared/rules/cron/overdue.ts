import type { ClusterView } from '../../state/view.js';
import type { PlannedStop } from '../plan.js';
import { cronStopReason, type CronRule } from './rule.js';
import { isLive, runsOf, slotLabel } from './runs.js';

/**
 * Stops for the rule's runs that have gone on longer than maxRunSeconds, counted from when the
 * run started, or from when it was created if it never got that far (a run stuck in PENDING
 * also holds its instance). A run with neither time cannot be judged and is left alone.
 */
export function planOverdueStops(input: { snapshot: ClusterView; rule: CronRule; now: Date }): PlannedStop[] {
  const { snapshot, rule, now } = input;
  if (rule.maxRunSeconds === undefined) return [];
  const limit = rule.maxRunSeconds;
  return runsOf(snapshot, rule).flatMap((run) => {
    const since = run.startedAt ?? run.createdAt;
    if (!since || !isLive(run) || now.getTime() - since.getTime() <= limit * 1000) return [];
    const reason = cronStopReason(rule, `the run for slot ${slotLabel(rule, run)} ran past maxRunSeconds ${limit}`);
    return [{ taskArn: run.arn, reason }];
  });
}

import type { ECSClient } from '@aws-sdk/client-ecs';
import type { RunLedger } from '../shared/ledger/run-ledger.js';
import type { SlotState } from '../shared/ledger/slot-record.js';
import { cronScope, type CronRule } from '../shared/rules/cron/index.js';
import { isLive, runsOf } from '../shared/rules/cron/runs.js';
import { slotOfKey } from '../shared/rules/cron/rule.js';
import type { DaemonRule } from '../shared/rules/daemon/rule.js';
import { nextSlot, parseSchedule, previousSlot } from '../shared/schedule/index.js';
import { loadSnapshot } from '../shared/state/index.js';
import { describeTaskDefinition } from '../shared/state/task-definitions.js';
import { slotReason } from './history.js';
import { planDaemonRule } from './plans.js';

/**
 * One row of `ecs-sched status` per rule, the way `kubectl get cronjobs,daemonsets` shows them:
 * what the cluster holds now (from a fresh snapshot) beside what the run ledger remembers.
 */

export interface CronStatusView {
  kind: 'cron';
  rule: string;
  cluster: string;
  schedule: string;
  timeZone: string;
  suspended: boolean;
  /** The newest slot the ledger holds (scheduled or run-now); without a ledger, the schedule's latest fire time. */
  lastSlot: string | null;
  /** That slot's state in the ledger; null without a ledger or before the first slot. */
  lastState: SlotState | null;
  /** Why the last slot was skipped or failed, as the ledger says. */
  lastReason: string | null;
  /** Slots with a copy that is still live (PROVISIONING to RUNNING, not asked to stop). */
  activeRuns: number;
  nextSlot: string | null;
}

export interface DaemonStatusView {
  kind: 'daemon';
  rule: string;
  cluster: string;
  desired: number;
  current: number;
  upToDate: number;
  available: number;
  misscheduled: number;
  failedToPlace: number;
}

export type StatusView = CronStatusView | DaemonStatusView;

export async function daemonStatus(ecs: ECSClient, rule: DaemonRule, now: Date): Promise<DaemonStatusView> {
  const { coverage } = await planDaemonRule(ecs, rule, now);
  return {
    kind: 'daemon',
    rule: rule.name,
    cluster: rule.cluster,
    desired: coverage.desired,
    current: coverage.current,
    upToDate: coverage.upToDate,
    available: coverage.available,
    misscheduled: coverage.misscheduled,
    failedToPlace: coverage.failedToPlace.length,
  };
}

export async function cronStatus(ecs: ECSClient, rule: CronRule, ledger: RunLedger | undefined, now: Date): Promise<CronStatusView> {
  const target = await describeTaskDefinition(ecs, rule.taskDefinition);
  const snapshot = await loadSnapshot(ecs, rule.cluster, cronScope(rule, target), { taskDefinitions: [target.arn], now });
  let activeRuns: number;
  try {
    const liveSlots = runsOf(snapshot, rule)
      .filter(isLive)
      .map((task) => slotOfKey(rule, task.startedBy)?.getTime());
    activeRuns = new Set(liveSlots).size;
  } finally {
    snapshot.close();
  }
  const schedule = parseSchedule(rule.schedule, rule.timeZone);
  const [last] = ledger ? await ledger.history(rule.name, 1) : [];
  return {
    kind: 'cron',
    rule: rule.name,
    cluster: rule.cluster,
    schedule: rule.schedule,
    timeZone: rule.timeZone ?? 'UTC',
    suspended: rule.suspend === true,
    lastSlot: last?.slot ?? (ledger ? null : (previousSlot(schedule, now)?.toISOString() ?? null)),
    lastState: last?.state ?? null,
    lastReason: last ? slotReason(last) : null,
    activeRuns,
    nextSlot: nextSlot(schedule, now)?.toISOString() ?? null,
  };
}

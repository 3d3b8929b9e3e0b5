import type { Emulator } from '../emulator/index.js';
import { compileConstraints } from '../shared/placement/constraints.js';
import { isResultEvent, type ResultEvent } from '../shared/report/result-events.js';
import { DetailType } from '../shared/report/vocabulary.js';
import type { SkipReason } from '../shared/rules/cron/plan-slot.js';
import { cronSlotKey, type CronRule } from '../shared/rules/cron/rule.js';
import { daemonKey, type DaemonRule } from '../shared/rules/daemon/rule.js';
import { TaskStatus } from '../shared/state/types.js';
import { instanceFacts } from './config-cluster.js';

/**
 * What must hold after a local run, checked against the emulator's own state (not through the
 * schedulers' snapshot, which is what is under test).
 */

/** Instances that hold more than one live copy of the daemon right now. */
export function duplicateCopies(emulator: Emulator, cluster: string, rule: DaemonRule): string[] {
  const perInstance = new Map<string | undefined, number>();
  for (const task of emulator.admin.listTasks(cluster, { startedBy: daemonKey(rule), desiredStatus: TaskStatus.Running })) {
    perInstance.set(task.containerInstanceArn, (perInstance.get(task.containerInstanceArn) ?? 0) + 1);
  }
  return [...perInstance].filter(([, copies]) => copies > 1).map(([instance]) => instance ?? '(no instance)');
}

/** Eligible instances (ACTIVE, agent connected, matching the constraint) without exactly one running copy. */
export function uncovered(emulator: Emulator, cluster: string, rule: DaemonRule): string[] {
  const { memberOf } = compileConstraints(rule.constraint ? [{ type: 'memberOf', expression: rule.constraint }] : []);
  const running = emulator.admin.listTasks(cluster, { startedBy: daemonKey(rule), desiredStatus: TaskStatus.Running, lastStatus: TaskStatus.Running });
  return emulator.admin
    .listInstances(cluster)
    .filter((instance) => instance.status === 'ACTIVE' && instance.agentConnected && (!memberOf || memberOf(instanceFacts(instance))))
    .filter((instance) => running.filter((task) => task.containerInstanceArn === instance.arn).length !== 1)
    .map((instance) => instance.arn);
}

/** Overlap and once-per-slot are the only good reasons for a slot to start nothing here. */
const FINE_SKIPS = new Set<SkipReason>(['overlap-forbidden', 'suspended', 'slot-complete']);

/** Slots that started more copies than `count`, or that neither started nor were skipped for a good reason. */
export function slotProblems(emulator: Emulator, cluster: string, rule: CronRule, slots: readonly Date[], events: readonly ResultEvent[]): string[] {
  const problems: string[] = [];
  const count = rule.count ?? 1;
  for (const slot of slots) {
    const at = slot.toISOString();
    const copies = emulator.admin.listTasks(cluster, { startedBy: cronSlotKey(rule, slot) }).length;
    if (copies > count) problems.push(`cron ${rule.name}: slot ${at} started ${copies} copies, not ${count}`);
    const outcomes = events.filter((e) => e.detail.rule === rule.name && 'slot' in e.detail && e.detail.slot === at);
    const started = outcomes.some(isResultEvent(DetailType.CronRunStarted)) && copies === count;
    const skippedWell = outcomes.filter(isResultEvent(DetailType.CronSlotSkipped)).some((e) => FINE_SKIPS.has(e.detail.reason));
    if (!started && !skippedWell) problems.push(`cron ${rule.name}: slot ${at} was missed (${outcomes.map((e) => e.detailType).join(', ') || 'no outcome'})`);
  }
  return problems;
}

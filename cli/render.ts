import type { FailedAction, StartedTask, StoppedTask } from '../shared/ecs/apply.js';
import { parseTaskDefinitionArn } from '../shared/ecs/task-definition-reference.js';
import type { CronSlotOutcome } from '../shared/report/cron-report.js';
import type { Coverage } from '../shared/rules/daemon/reconcile.js';
import type { OrphansView } from './orphans.js';
import type { CronPlanView, DaemonPlanView, SlotView, StartView, StopView } from './plans.js';

/** Text for people: plans and run results, indented under a heading per rule. */

const INDENT = '  ';

export function renderDaemonPlan(view: DaemonPlanView): string[] {
  const lines = [`daemon ${view.rule} · cluster ${view.cluster} · ${definitionName(view.taskDefinition)}`];
  if (view.passRolesFix) lines.push(`${INDENT}${view.passRolesFix}`);
  lines.push(`${INDENT}coverage: ${renderCoverage(view.coverage)}`);
  lines.push(...renderChanges(view.starts, view.stops, INDENT));
  if (view.unmatchedConstraint) lines.push(`${INDENT}${renderUnmatched(view.unmatchedConstraint)}`);
  const unplaced = view.coverage.failedToPlace;
  if (unplaced.length > 0) {
    lines.push(`${INDENT}cannot place ${unplaced.length}:`);
    for (const instance of unplaced) lines.push(`${INDENT}${INDENT}${instance.ec2InstanceId || shortId(instance.containerInstanceArn)}  ${instance.reason}`);
  }
  return lines;
}

function renderUnmatched(unmatched: NonNullable<DaemonPlanView['unmatchedConstraint']>): string {
  return `constraint matches no instance: "${unmatched.constraint}"; keeping ${unmatched.keptCopies} cop${unmatched.keptCopies === 1 ? 'y' : 'ies'} running (fix the constraint, or set allowNoEligibleInstances to let them stop)`;
}

export function renderCronPlan(view: CronPlanView): string[] {
  const lines = [`cron ${view.rule} · cluster ${view.cluster} · ${definitionName(view.taskDefinition)} · ${view.schedule}`];
  if (view.passRolesFix) lines.push(`${INDENT}${view.passRolesFix}`);
  const last = view.lastSlot ? `last slot ${view.lastSlot}${view.currentSlot ? '' : ' (past its starting deadline)'}` : 'no slot yet';
  lines.push(`${INDENT}${last}, ${view.nextSlot ? `next slot ${view.nextSlot}` : 'no later slot'}`);
  if (view.currentSlot) lines.push(...renderSlot(`slot ${view.currentSlot.slot}, delivered now`, view.currentSlot));
  lines.push(...renderSlot('if run now', view.runNow));
  if (view.maxRunSeconds === undefined) {
    lines.push(`${INDENT}overdue runs: no maxRunSeconds`);
  } else if (view.overdue.length === 0) {
    lines.push(`${INDENT}overdue runs (maxRunSeconds ${view.maxRunSeconds}): none`);
  } else {
    lines.push(`${INDENT}overdue runs (maxRunSeconds ${view.maxRunSeconds}), would stop ${view.overdue.length}:`);
    for (const run of view.overdue) {
      const running = run.runningSeconds === undefined ? '' : `, running ${run.runningSeconds} s`;
      lines.push(`${INDENT}${INDENT}${taskLabel(run)}  slot ${run.slot}${running}`);
    }
  }
  return lines;
}

/** A cluster's orphaned copies: what no configured rule will ever stop or report. */
export function renderOrphans(view: OrphansView): string[] {
  if ('error' in view) return [`orphans · cluster ${view.cluster}`, `${INDENT}error: ${view.error.message}`, ...(view.error.hint ? [`${INDENT}hint: ${view.error.hint}`] : [])];
  if (view.copies.length === 0) return [`orphans · cluster ${view.cluster}: none`];
  return [
    `orphans · cluster ${view.cluster}: ${view.copies.length} cop${view.copies.length === 1 ? 'y' : 'ies'} of rules not in the config (nothing stops or reports them; stop them, or restore the rule)`,
    ...view.copies.map((copy) => `${INDENT}orphaned ${taskLabel(copy)}  ${copy.lastStatus}  startedBy ${copy.startedBy} (no ${copy.kind} rule "${copy.rule}" on this cluster)`),
  ];
}

function renderSlot(title: string, slot: SlotView): string[] {
  if (slot.decision === 'skip') {
    return [`${INDENT}${title}: start nothing (${slot.reason}): ${slot.detail}`, ...renderChanges([], slot.stops, INDENT + INDENT, true)];
  }
  const lines = [`${INDENT}${title}: ${slot.missing} cop${slot.missing === 1 ? 'y' : 'ies'} missing`];
  lines.push(...renderChanges(slot.starts, slot.stops, INDENT + INDENT, true));
  if (slot.neverPlaceable) {
    lines.push(`${INDENT}${INDENT}cannot place ${slot.unplaced}: ${slot.neverPlaceable} (the handler fails the slot at once)`);
  } else if (slot.unplaced > 0) {
    lines.push(`${INDENT}${INDENT}cannot place ${slot.unplaced}: ${renderRejections(slot.rejections)} (the handler retries until the starting deadline)`);
  }
  return lines;
}

function renderChanges(starts: readonly StartView[], stops: readonly StopView[], indent: string, quietWhenEmpty = false): string[] {
  const lines: string[] = [];
  if (starts.length === 0 && stops.length === 0) return quietWhenEmpty ? [] : [`${indent}nothing to start or stop`];
  if (starts.length > 0) {
    lines.push(`${indent}start ${starts.length}:`);
    for (const start of starts) lines.push(`${indent}${INDENT}${start.ec2InstanceId || shortId(start.containerInstanceArn)}  ${start.reason}`);
  }
  if (stops.length > 0) {
    lines.push(`${indent}stop ${stops.length}:`);
    for (const stop of stops) lines.push(`${indent}${INDENT}${taskLabel(stop)}  ${stop.reason}`);
  }
  return lines;
}

export function renderCoverage(coverage: Coverage): string {
  return [
    `${coverage.desired} desired`,
    `${coverage.current} current`,
    `${coverage.upToDate} up to date`,
    `${coverage.available} available`,
    `${coverage.unavailable} unavailable`,
    `${coverage.misscheduled} misscheduled`,
  ].join(', ');
}

export function renderRejections(rejections: Partial<Record<string, number>>): string {
  const parts = Object.entries(rejections).map(([reason, count]) => `${reason} on ${count} instance${count === 1 ? '' : 's'}`);
  return parts.length > 0 ? `turned down for ${parts.join(', ')}` : 'the cluster has no instances';
}

/** A daemon reconcile's result, as the handler reported it. */
export interface DaemonRunView {
  kind: 'daemon';
  rule: string;
  cluster: string;
  clusterArn: string | undefined;
  coverage: Coverage | undefined;
  unmatchedConstraint: DaemonPlanView['unmatchedConstraint'];
  started: Array<StartedTask & { ec2InstanceId: string | undefined }>;
  stopped: StoppedTask[];
  failed: FailedAction[];
  conflicts: number;
}

export function renderDaemonRun(view: DaemonRunView): string[] {
  const lines = [`daemon ${view.rule}: reconciled cluster ${view.cluster}`];
  if (view.started.length + view.stopped.length + view.failed.length === 0) lines.push(`${INDENT}started nothing, stopped nothing`);
  if (view.started.length > 0) {
    lines.push(`${INDENT}started ${view.started.length}:`);
    for (const task of view.started) lines.push(`${INDENT}${INDENT}${shortId(task.taskArn)} on ${task.ec2InstanceId ?? shortId(task.containerInstanceArn)}  ${task.reason}`);
  }
  if (view.stopped.length > 0) {
    lines.push(`${INDENT}stopped ${view.stopped.length}:`);
    for (const task of view.stopped) lines.push(`${INDENT}${INDENT}${shortId(task.taskArn)}  ${task.reason}`);
  }
  lines.push(...renderFailures(view.failed));
  if (view.unmatchedConstraint) lines.push(`${INDENT}${renderUnmatched(view.unmatchedConstraint)}`);
  if (view.conflicts > 0) lines.push(`${INDENT}${view.conflicts} StartTask conflict(s), placed again`);
  if (view.coverage) lines.push(`${INDENT}coverage before: ${renderCoverage(view.coverage)}`);
  return lines;
}

export function renderCronRun(outcome: CronSlotOutcome): string[] {
  const head = `cron ${outcome.rule}: slot ${outcome.slot.toISOString()} (${outcome.startedBy})`;
  const lines: string[] = [];
  switch (outcome.status) {
    case 'started':
      lines.push(`${head}: started ${outcome.startedNow} cop${outcome.startedNow === 1 ? 'y' : 'ies'}; the slot has ${outcome.copies.length} of ${outcome.count}`);
      break;
    case 'skipped':
      lines.push(`${head}: skipped (${outcome.reason}): ${outcome.detail}`);
      break;
    case 'failed':
      lines.push(`${head}: FAILED, ${outcome.missing} of ${outcome.count} cop${outcome.count === 1 ? 'y' : 'ies'} missing`);
      for (const reason of outcome.reasons) lines.push(`${INDENT}${reason}`);
      break;
  }
  for (const copy of outcome.copies) lines.push(`${INDENT}${shortId(copy.taskArn)} on ${copy.ec2InstanceId ?? shortId(copy.containerInstanceArn ?? '?')}  ${copy.lastStatus}`);
  for (const stop of outcome.replaced) lines.push(`${INDENT}stopped ${shortId(stop.taskArn)}  ${stop.reason}`);
  return lines;
}

function renderFailures(failed: readonly FailedAction[]): string[] {
  if (failed.length === 0) return [];
  return [
    `${INDENT}failed ${failed.length}:`,
    ...failed.map((f) => `${INDENT}${INDENT}${f.action} ${shortId(f.target)}: ${f.reason}${f.detail ? ` (${f.detail})` : ''}${f.outcomeUnknown ? ' (outcome unknown)' : ''}`),
  ];
}

function taskLabel(stop: Pick<StopView, 'taskArn' | 'ec2InstanceId'>): string {
  return `task ${shortId(stop.taskArn)}${stop.ec2InstanceId ? ` on ${stop.ec2InstanceId}` : ''}`;
}

/** The id at the end of an ECS ARN (`.../cluster/task-id` -> `task-id`). */
export function shortId(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** `family:revision` from a task definition ARN. */
export function definitionName(arn: string): string {
  const { family, revision } = parseTaskDefinitionArn(arn);
  return `${family}:${revision}`;
}

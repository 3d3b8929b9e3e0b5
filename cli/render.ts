import type { FailedAction, StartedTask, StoppedTask } from '../shared/ecs/apply.js';
import { parseTaskDefinitionArn } from '../shared/ecs/task-definition-reference.js';
import type { CronSlotOutcome } from '../shared/report/cron-report.js';
import type { Coverage } from '../shared/rules/daemon/reconcile.js';
import { besideUtc } from '../shared/schedule/index.js';
import type { OrphansView } from './orphans.js';
import type { CronPlanView, DaemonPlanView, SlotView, StartView, StopView } from './plans.js';

/** Text for people: plans and run results, indented under a heading per rule. */

const INDENT = '  ';

/**
 * A plan is read by a person: per rule, each list (starts, stops, instances that cannot take a
 * copy) is a count per reason ("142 instances: RESOURCE:CPU"), whatever the cluster's size; the
 * line per instance comes with `verbose` (and is always in --json).
 */
export function renderDaemonPlan(view: DaemonPlanView, verbose: boolean): string[] {
  const lines = [`daemon ${view.rule} · cluster ${view.cluster} · ${definitionName(view.taskDefinition)}`];
  if (view.passRolesFix) lines.push(`${INDENT}${view.passRolesFix}`);
  lines.push(`${INDENT}coverage: ${renderCoverage(view.coverage)}`);
  lines.push(...renderChanges(view.starts, view.stops, INDENT, verbose));
  if (view.unmatchedConstraint) lines.push(`${INDENT}${renderUnmatched(view.unmatchedConstraint)}`);
  const unplaced = view.coverage.failedToPlace;
  if (unplaced.length > 0) {
    lines.push(`${INDENT}cannot place ${unplaced.length}:`);
    const items = unplaced.map((instance) => ({ label: instance.ec2InstanceId || shortId(instance.containerInstanceArn), reason: instance.reason, group: instance.reason }));
    lines.push(...renderItems(items, 'instance', INDENT + INDENT, verbose));
  }
  return lines;
}

interface Item {
  /** The instance or task, for the verbose line. */
  label: string;
  /** The full reason, for the verbose line. */
  reason: string;
  /** The reason without what names this one item, for the count per reason. */
  group: string;
}

/** Items as one line each (verbose), or as a count per reason, most common first. */
function renderItems(items: readonly Item[], noun: 'instance' | 'copy', indent: string, verbose: boolean): string[] {
  if (verbose) return items.map((item) => `${indent}${item.label}  ${item.reason}`);
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.group, (counts.get(item.group) ?? 0) + 1);
  const plural = noun === 'copy' ? 'copies' : 'instances';
  return [...counts].sort(([, a], [, b]) => b - a).map(([group, count]) => `${indent}${count} ${count === 1 ? noun : plural}: ${group}`);
}

/**
 * A start or stop reason without its rule prefix and without the instance and task it names
 * (`daemon x: i-0abc has no copy` -> `has no copy`), so that equal reasons count together.
 */
function reasonGroup(reason: string, ec2InstanceId: string | undefined): string {
  let group = reason.replace(/^(daemon|cron) [^:]+: /, '');
  if (ec2InstanceId) group = group.replace(` on ${ec2InstanceId}`, '').replace(`${ec2InstanceId} `, '');
  return group.replace(/, keeping \S+$/, '');
}

function renderUnmatched(unmatched: NonNullable<DaemonPlanView['unmatchedConstraint']>): string {
  return `constraint matches no instance: "${unmatched.constraint}"; keeping ${unmatched.keptCopies} cop${unmatched.keptCopies === 1 ? 'y' : 'ies'} running (fix the constraint, or set allowNoEligibleInstances to let them stop)`;
}

export function renderCronPlan(view: CronPlanView, verbose: boolean): string[] {
  const lines = [`cron ${view.rule} · cluster ${view.cluster} · ${definitionName(view.taskDefinition)} · ${view.schedule}`];
  if (view.passRolesFix) lines.push(`${INDENT}${view.passRolesFix}`);
  const zoned = (iso: string) => besideUtc(iso, view.timeZone);
  const last = view.lastSlot ? `last slot ${zoned(view.lastSlot)}${view.currentSlot ? '' : ' (past its starting deadline)'}` : 'no slot yet';
  lines.push(`${INDENT}${last}, ${view.nextSlot ? `next slot ${zoned(view.nextSlot)}` : 'no later slot'}`);
  if (view.currentSlot) lines.push(...renderSlot(`slot ${zoned(view.currentSlot.slot)}, delivered now`, view.currentSlot, verbose));
  lines.push(...renderSlot('if run now', view.runNow, verbose));
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

function renderSlot(title: string, slot: SlotView, verbose: boolean): string[] {
  if (slot.decision === 'skip') {
    return [`${INDENT}${title}: start nothing (${slot.reason}): ${slot.detail}`, ...renderChanges([], slot.stops, INDENT + INDENT, verbose, true)];
  }
  const lines = [`${INDENT}${title}: ${slot.missing} cop${slot.missing === 1 ? 'y' : 'ies'} missing`];
  lines.push(...renderChanges(slot.starts, slot.stops, INDENT + INDENT, verbose, true));
  if (slot.ecsPlaced) {
    const { copies, runTaskCalls, on } = slot.ecsPlaced;
    lines.push(`${INDENT}${INDENT}run ${copies} on ${on}: ECS places them (RunTask, ${runTaskCalls} call${runTaskCalls === 1 ? '' : 's'} with a client token each)`);
  }
  if (slot.neverPlaceable) {
    lines.push(`${INDENT}${INDENT}cannot place ${slot.unplaced}: ${slot.neverPlaceable} (the handler fails the slot at once)`);
  } else if (slot.unplaced > 0) {
    lines.push(`${INDENT}${INDENT}cannot place ${slot.unplaced}: ${renderRejections(slot.rejections)} (the handler retries until the starting deadline)`);
  }
  return lines;
}

function renderChanges(starts: readonly StartView[], stops: readonly StopView[], indent: string, verbose: boolean, quietWhenEmpty = false): string[] {
  const lines: string[] = [];
  if (starts.length === 0 && stops.length === 0) return quietWhenEmpty ? [] : [`${indent}nothing to start or stop`];
  if (starts.length > 0) {
    lines.push(`${indent}start ${starts.length}:`);
    const items = starts.map((start) => ({ label: start.ec2InstanceId || shortId(start.containerInstanceArn), reason: start.reason, group: reasonGroup(start.reason, start.ec2InstanceId) }));
    lines.push(...renderItems(items, 'instance', indent + INDENT, verbose));
  }
  if (stops.length > 0) {
    lines.push(`${indent}stop ${stops.length}:`);
    const items = stops.map((stop) => ({ label: taskLabel(stop), reason: stop.reason, group: reasonGroup(stop.reason, stop.ec2InstanceId) }));
    lines.push(...renderItems(items, 'copy', indent + INDENT, verbose));
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
  // Counts per reason, as plan prints them: a reconcile of thousands of instances stays readable (--json has each).
  if (view.started.length > 0) {
    lines.push(`${INDENT}started ${view.started.length}:`);
    const items = view.started.map((task) => ({ label: `${shortId(task.taskArn)} on ${task.ec2InstanceId ?? shortId(task.containerInstanceArn ?? 'Fargate')}`, reason: task.reason, group: reasonGroup(task.reason, task.ec2InstanceId) }));
    lines.push(...renderItems(items, 'instance', INDENT + INDENT, false));
  }
  if (view.stopped.length > 0) {
    lines.push(`${INDENT}stopped ${view.stopped.length}:`);
    const items = view.stopped.map((task) => ({ label: shortId(task.taskArn), reason: task.reason, group: reasonGroup(task.reason, undefined) }));
    lines.push(...renderItems(items, 'copy', INDENT + INDENT, false));
  }
  lines.push(...renderFailures(view.failed));
  const unplaced = view.coverage?.failedToPlace ?? [];
  if (unplaced.length > 0) {
    lines.push(`${INDENT}could not place ${unplaced.length} (these instances have no copy):`);
    const items = unplaced.map((instance) => ({ label: instance.ec2InstanceId || shortId(instance.containerInstanceArn), reason: instance.reason, group: instance.reason }));
    lines.push(...renderItems(items, 'instance', INDENT + INDENT, false));
  }
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

import type { ECSClient } from '@aws-sdk/client-ecs';
import { daemonScope } from '../shared/rules/daemon/scope.js';
import type { RejectionReason } from '../shared/placement/types.js';
import { overdueStopView } from '../shared/handlers/cron/overdue.js';
import type { OverdueStop } from '../shared/report/result-events.js';
import { planOverdueStops, planSlot, runNowSlot, startingDeadline, cronScope, type CronRule, type SlotOutcome } from '../shared/rules/cron/index.js';
import { reconcileDaemon, type Coverage, type DaemonPlan } from '../shared/rules/daemon/reconcile.js';
import type { DaemonRule } from '../shared/rules/daemon/rule.js';
import { describeMissingRoles, missingPassRoles, type PassedRole } from '../shared/rules/pass-roles.js';
import type { PlannedRun, PlannedStart, PlannedStop } from '../shared/rules/plan.js';
import { describeSchedule, nextSlot, parseSchedule, previousSlot } from '../shared/schedule/index.js';
import { loadSnapshot, type Snapshot } from '../shared/state/index.js';
import type { LoadOptions } from '../shared/state/load.js';
import { describeTaskDefinition } from '../shared/state/task-definitions.js';
import type { TaskDefinitionInfo } from '../shared/state/types.js';
import { CliError, EXIT_FAILED, TASK_DEFINITION_HINT } from './errors.js';

/**
 * What a rule would do now, computed exactly as its Lambda computes it (the same snapshot scope,
 * the same pure rule functions) but never applied: `plan` prints these, and `run` shows one
 * before asking for confirmation. Only List/Describe calls are made.
 */

export interface StartView {
  containerInstanceArn: string;
  ec2InstanceId: string | undefined;
  reason: string;
}

export interface StopView {
  taskArn: string;
  containerInstanceArn: string | undefined;
  ec2InstanceId: string | undefined;
  reason: string;
}

/** Roles a start would pass that the rule's passRoles lacks: AWS would refuse every start (AccessDenied). */
export interface RoleCheck {
  missingPassRoles: PassedRole[];
  /** The missing roles and the passRoles line to write; null when none is missing. */
  passRolesFix: string | null;
}

export interface DaemonPlanView extends RoleCheck {
  kind: 'daemon';
  rule: string;
  cluster: string;
  clusterArn: string;
  /** The revision the rule resolves to now. */
  taskDefinition: string;
  starts: StartView[];
  stops: StopView[];
  /** DaemonSet-style counters; failedToPlace lists the eligible instances that cannot take a copy, and why. */
  coverage: Coverage;
  /** Set when the constraint matches no ACTIVE instance: the copies it would have stopped are kept. */
  unmatchedConstraint: DaemonPlan['unmatchedConstraint'] | null;
}

/** One slot's decision: what it would start and stop, or why it would start nothing. */
export type SlotView =
  | {
      slot: string;
      decision: 'start';
      starts: StartView[];
      /** Copies ECS would place (a fargate or capacityProvider launch): RunTask calls, where, and how many copies; null for ec2. */
      ecsPlaced: { runTaskCalls: number; copies: number; on: string } | null;
      stops: StopView[];
      /** Copies the slot lacks. */
      missing: number;
      /** Of those, copies that fit on no instance now (the handler retries them until the deadline). */
      unplaced: number;
      /** Instances turned down for the first copy that fit nowhere, per reason. */
      rejections: Partial<Record<RejectionReason, number>>;
      /** Why the unplaced copies could never be placed (the handler then fails the slot at once); null when room may come. */
      neverPlaceable: string | null;
    }
  | { slot: string; decision: 'skip'; reason: string; detail: string; stops: StopView[] };

export interface CronPlanView extends RoleCheck {
  kind: 'cron';
  rule: string;
  cluster: string;
  clusterArn: string;
  taskDefinition: string;
  schedule: string;
  /** The rule's IANA zone (UTC when it names none): slot times are shown in it beside UTC. */
  timeZone: string;
  /** The latest fire time at or before now, and the next one (null when there is none). */
  lastSlot: string | null;
  nextSlot: string | null;
  /**
   * What a delivery of the latest slot would do now, while it is within its starting deadline
   * (null once the deadline has passed: that slot starts nothing any more).
   */
  currentSlot: SlotView | null;
  /** What `ecs-sched run` (a manual run-now) would do now. */
  runNow: SlotView;
  maxRunSeconds: number | undefined;
  /** Runs past maxRunSeconds, which the overdue pass would stop. */
  overdue: OverdueStop[];
}

export type RulePlanView = DaemonPlanView | CronPlanView;

/** Sees each step of a snapshot load, for a progress line. */
export type OnProgress = LoadOptions['onProgress'];

export async function planDaemonRule(ecs: ECSClient, rule: DaemonRule, now: Date, onProgress?: OnProgress): Promise<DaemonPlanView> {
  const snapshot = await loadSnapshot(ecs, rule.cluster, daemonScope(rule), { taskDefinitions: [rule.taskDefinition], now, ...(onProgress && { onProgress }) });
  try {
    const target = snapshot.taskDefinition(rule.taskDefinition)!;
    const plan = reconcileDaemon(snapshot, rule, target);
    return {
      kind: 'daemon',
      rule: rule.name,
      cluster: rule.cluster,
      clusterArn: snapshot.cluster.arn,
      taskDefinition: target.arn,
      ...roleCheck(rule, target),
      starts: plan.starts.map((start) => startView(snapshot, start)),
      stops: plan.stops.map((stop) => stopView(snapshot, stop)),
      coverage: plan.coverage,
      unmatchedConstraint: plan.unmatchedConstraint ?? null,
    };
  } finally {
    snapshot.close();
  }
}

export async function planCronRule(ecs: ECSClient, rule: CronRule, now: Date, onProgress?: OnProgress): Promise<CronPlanView> {
  // As runSlot does: resolve the revision first, then load the scope it implies.
  const target = await readTaskDefinition(ecs, rule.taskDefinition);
  const snapshot = await loadSnapshot(ecs, rule.cluster, cronScope(rule, target), { taskDefinitions: [target.arn], now, ...(onProgress && { onProgress }) });
  try {
    const schedule = parseSchedule(rule.schedule, rule.timeZone);
    const last = previousSlot(schedule, now);
    const next = nextSlot(schedule, now);
    const decide = (slot: Date, trigger: 'schedule' | 'manual') => {
      const first = planSlot({ snapshot, rule, target, slot, now, trigger });
      // Replace stops the old run and starts once it has stopped: show both steps as one plan.
      const whole = first.kind === 'await-stops' ? planSlot({ snapshot, rule, target, slot, now, trigger, stopWaitOver: new Set(first.stopping) }) : first;
      return slotView(snapshot, whole);
    };
    return {
      kind: 'cron',
      rule: rule.name,
      cluster: rule.cluster,
      clusterArn: snapshot.cluster.arn,
      taskDefinition: target.arn,
      ...roleCheck(rule, target),
      schedule: describeSchedule(schedule),
      timeZone: rule.timeZone ?? 'UTC',
      lastSlot: last?.toISOString() ?? null,
      nextSlot: next?.toISOString() ?? null,
      currentSlot: last && now <= startingDeadline(rule, last) ? decide(last, 'schedule') : null,
      runNow: decide(runNowSlot(now), 'manual'),
      maxRunSeconds: rule.maxRunSeconds,
      overdue: planOverdueStops({ snapshot, rule, now }).map((stop) => overdueStopView(snapshot, rule, stop, now)),
    };
  } finally {
    snapshot.close();
  }
}

/**
 * A rule's task definition, from ECS. ECS answers an unknown one with a ClientException that does
 * not name it: the error here does.
 */
export async function readTaskDefinition(ecs: ECSClient, reference: string): Promise<TaskDefinitionInfo> {
  return describeTaskDefinition(ecs, reference).catch((error: unknown) => {
    if ((error as Error).name !== 'ClientException') throw error;
    throw new CliError(`task definition "${reference}" could not be described (ClientException: ${(error as Error).message})`, EXIT_FAILED, 'TaskDefinition', TASK_DEFINITION_HINT, {
      cause: error,
    });
  });
}

/** The roles a rule's starts would pass that its passRoles lacks, and the fix. */
function roleCheck(rule: DaemonRule | CronRule, target: TaskDefinitionInfo): RoleCheck {
  const missing = missingPassRoles(rule, target);
  return { missingPassRoles: missing, passRolesFix: missing.length > 0 ? `passRoles: ${describeMissingRoles(rule, missing)}` : null };
}

/**
 * What the plan would change if nothing else happened: a daemon's reconcile, and for a cron rule
 * the current slot's delivery and the overdue pass (a run-now is only what someone could ask for).
 */
export function pendingChanges(view: RulePlanView): number {
  if (view.kind === 'daemon') return view.starts.length + view.stops.length;
  const current = view.currentSlot;
  return (current?.decision === 'start' ? current.starts.length + (current.ecsPlaced?.copies ?? 0) : 0) + (current?.stops.length ?? 0) + view.overdue.length;
}

/** What a run-now (cron) or one reconcile (daemon) would change: run's confirmation question. */
export function changes(view: RulePlanView): { starts: number; stops: number } {
  if (view.kind === 'daemon') return { starts: view.starts.length, stops: view.stops.length };
  return { starts: view.runNow.decision === 'start' ? view.runNow.starts.length + (view.runNow.ecsPlaced?.copies ?? 0) : 0, stops: view.runNow.stops.length };
}

function slotView(snapshot: Snapshot, outcome: SlotOutcome): SlotView {
  const slot = outcome.slot.toISOString();
  const stops = (outcome.plan?.stops ?? []).map((stop) => stopView(snapshot, stop));
  if (outcome.kind === 'skip') return { slot, decision: 'skip', reason: outcome.reason, detail: outcome.detail, stops };
  if (outcome.kind === 'await-stops') return { slot, decision: 'skip', reason: 'awaiting-stops', detail: `waiting for ${outcome.stopping.join(', ')} to stop`, stops };
  return {
    slot,
    decision: 'start',
    starts: outcome.plan.starts.map((start) => startView(snapshot, start)),
    ecsPlaced: ecsPlacedView(outcome.plan.runs),
    stops,
    missing: outcome.missing,
    unplaced: outcome.unplaced,
    rejections: outcome.rejections,
    neverPlaceable: outcome.neverPlaceable ?? null,
  };
}

function ecsPlacedView(runs: readonly PlannedRun[] | undefined): Extract<SlotView, { decision: 'start' }>['ecsPlaced'] {
  if (!runs || runs.length === 0) return null;
  const { placement } = runs[0]!;
  const on = placement.launchType === 'FARGATE' ? 'Fargate' : `capacity providers ${(placement.capacityProviderStrategy ?? []).map((item) => item.capacityProvider).join(', ')}`;
  return { runTaskCalls: runs.length, copies: runs.reduce((sum, run) => sum + run.count, 0), on };
}

function startView(snapshot: Snapshot, start: PlannedStart): StartView {
  return {
    containerInstanceArn: start.containerInstanceArn,
    ec2InstanceId: snapshot.instance(start.containerInstanceArn)?.ec2InstanceId,
    reason: start.reason,
  };
}

function stopView(snapshot: Snapshot, stop: PlannedStop): StopView {
  const instance = snapshot.task(stop.taskArn)?.containerInstanceArn;
  return {
    taskArn: stop.taskArn,
    containerInstanceArn: instance,
    ec2InstanceId: instance === undefined ? undefined : snapshot.instance(instance)?.ec2InstanceId,
    reason: stop.reason,
  };
}

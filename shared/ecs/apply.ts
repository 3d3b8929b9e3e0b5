import {
  DescribeContainerInstancesCommand,
  StartTaskCommand,
  StopTaskCommand,
  type ECSClient,
  type Failure as EcsFailure,
  type Task as EcsTask,
} from '@aws-sdk/client-ecs';
import { place } from '../placement/placer.js';
import { RULE_TAG_KEY } from '../rules/rule-tag.js';
import type { Launch, Plan, PlannedStart, PlannedStop } from '../rules/plan.js';
import { instanceFromEcs, taskFromEcs } from '../state/from-ecs.js';
import type { Snapshot } from '../state/snapshot.js';
import { runTasks } from './run-tasks.js';
import { guardStarts } from './start-safety.js';

export interface ApplyOptions {
  /** How many times one copy may be placed again after ECS refused its instance. Default 3. */
  maxConflictRetries?: number;
  /** Seeded generator for re-placement under a random strategy. */
  random?: () => number;
}

export interface StartedTask {
  taskArn: string;
  /** Absent for a copy ECS runs on Fargate. */
  containerInstanceArn: string | undefined;
  startedBy: string;
  reason: string;
}

export type StoppedTask = PlannedStop;

export interface FailedAction {
  action: 'start' | 'stop';
  /** Set for a start that RunTask made (ECS placed it); otherwise StartTask or StopTask, per `action`. */
  call?: 'RunTask';
  /** The instance of a failed start, the task of a failed stop; for RunTask, where ECS was to run it (FARGATE, capacity providers). */
  target: string;
  startedBy?: string;
  /** ECS's failure reason (RESOURCE:CPU, AGENT, ...) or the error's name. */
  reason: string;
  detail?: string;
  /** The start may have happened after all (its answer was lost); re-read before trying again. */
  outcomeUnknown?: boolean;
}

export interface ApplyResult {
  started: StartedTask[];
  stopped: StoppedTask[];
  failed: FailedAction[];
  /** StartTask refusals for capacity, agent or status: another scheduler got there first, or the snapshot was stale. */
  conflicts: number;
  /** An instance ECS refused could not be re-read: the snapshot still shows it as it was before the refusal. */
  refreshFailed?: boolean;
}

/** ECS takes at most 10 container instances per StartTask. */
const START_BATCH = 10;
/** Failure reasons that mean the snapshot was wrong about the instance, so another instance may do. */
const CONFLICT = /^(RESOURCE:|AGENT$|INACTIVE$|DRAINING$)/;

/**
 * Carries out a plan: stops first (a replaced run must end before its successor starts), then
 * starts, batched per identical launch, then the RunTask calls of copies ECS places. A start ECS refuses for capacity, agent or status
 * refreshes that instance and, if the start carries its placement, goes to the next best
 * instance, a bounded number of times. Every outcome lands in the result; nothing is dropped.
 */
export async function applyPlan(ecs: ECSClient, snapshot: Snapshot, plan: Plan, options: ApplyOptions = {}): Promise<ApplyResult> {
  guardStarts(ecs);
  const result: ApplyResult = { started: [], stopped: [], failed: [], conflicts: 0 };
  const cluster = snapshot.cluster.arn;

  await Promise.all(
    plan.stops.map(async (stop) => {
      try {
        await ecs.send(new StopTaskCommand({ cluster, task: stop.taskArn, reason: truncate(stop.reason, 255) }));
        result.stopped.push(stop);
      } catch (error) {
        result.failed.push({ action: 'stop', target: stop.taskArn, ...describeStopError(error) });
      }
    }),
  );

  const maxRetries = options.maxConflictRetries ?? 3;
  if (plan.startsNeedStops && result.failed.some((failure) => failure.action === 'stop')) {
    for (const start of plan.starts) {
      result.failed.push({
        action: 'start',
        target: start.containerInstanceArn,
        startedBy: start.launch.startedBy,
        reason: 'REPLACE_STOP_FAILED',
        detail: 'not started: the run it replaces could not be stopped, and the two must not overlap',
      });
    }
    for (const run of plan.runs ?? []) {
      result.failed.push({
        action: 'start',
        call: 'RunTask',
        target: run.placement.launchType ?? 'capacity providers',
        startedBy: run.launch.startedBy,
        reason: 'REPLACE_STOP_FAILED',
        detail: 'not started: the run it replaces could not be stopped, and the two must not overlap',
      });
    }
    return result;
  }
  let pending: Entry[] = plan.starts.map((start) => ({ start, retries: 0, refusedBy: new Set<string>() }));
  while (pending.length > 0) {
    const conflicts = await startRound(ecs, snapshot, pending, result);
    result.conflicts += conflicts.filter((c) => !c.skipped).length;
    const refreshed = conflicts.length === 0 || (await refreshInstances(ecs, snapshot, conflicts.map((c) => c.start.containerInstanceArn)));
    if (!refreshed) result.refreshFailed = true;
    // Without fresh state, placing again would guess: report the refused copies as they are.
    pending = placeAgain(snapshot, conflicts, refreshed ? maxRetries : 0, options, result);
  }
  await runTasks(ecs, snapshot, plan.runs ?? [], result);
  return result;
}

/** One copy to start, with the instances that already refused it. */
type Entry = { start: PlannedStart; retries: number; refusedBy: Set<string> };
/** A copy an instance refused, or that was not sent because its instance had just refused another. */
type Conflict = Entry & { reason: string; skipped: boolean };

/**
 * Sends every pending copy once. Launches go concurrently; the calls of one launch go one after
 * another, so once an instance refuses, the copies still aimed at it are not sent to be refused too.
 */
async function startRound(ecs: ECSClient, snapshot: Snapshot, pending: readonly Entry[], result: ApplyResult): Promise<Conflict[]> {
  const conflicts: Conflict[] = [];
  await Promise.all(
    [...groupBy(pending, (entry) => launchKey(entry.start.launch)).values()].map(async (entries) => {
      const refused = new Map<string, string>();
      for (const batch of batches(entries)) {
        const send = batch.filter((entry) => !refused.has(entry.start.containerInstanceArn));
        for (const entry of batch) {
          const reason = refused.get(entry.start.containerInstanceArn);
          if (reason) conflicts.push({ ...entry, reason, skipped: true });
        }
        if (send.length > 0) await startBatch(ecs, snapshot, send, result, (entry, reason) => {
          refused.set(entry.start.containerInstanceArn, reason);
          conflicts.push({ ...entry, reason, skipped: false });
        });
      }
    }),
  );
  return conflicts;
}

async function startBatch(
  ecs: ECSClient,
  snapshot: Snapshot,
  batch: readonly Entry[],
  result: ApplyResult,
  onConflict: (entry: Entry, reason: string) => void,
): Promise<void> {
  const launch = batch[0]!.start.launch;
  try {
    const answer = await ecs.send(
      new StartTaskCommand({
        cluster: snapshot.cluster.arn,
        taskDefinition: launch.taskDefinitionArn,
        containerInstances: batch.map((entry) => entry.start.containerInstanceArn),
        startedBy: launch.startedBy,
        group: launch.group,
        overrides: launch.overrides,
        tags: launch.tags && Object.entries(launch.tags).map(([key, value]) => ({ key, value })),
      }),
    );
    const answered = recordStarts(snapshot, batch, answer.tasks ?? [], result);
    for (const failure of answer.failures ?? []) {
      const entry = batch.find((e) => e.start.containerInstanceArn === failure.arn);
      if (!entry) continue;
      answered.add(entry);
      const reason = failure.reason ?? 'UNKNOWN';
      if (CONFLICT.test(reason)) onConflict(entry, reason);
      else result.failed.push(startFailure(entry.start, failure));
    }
    // ECS answers every instance with a task or a failure; one it skipped may or may not run.
    for (const entry of batch.filter((e) => !answered.has(e))) {
      result.failed.push({
        action: 'start',
        target: entry.start.containerInstanceArn,
        startedBy: launch.startedBy,
        reason: 'UNANSWERED',
        detail: 'StartTask answered neither a task nor a failure for this instance',
        outcomeUnknown: true,
      });
    }
  } catch (error) {
    for (const entry of batch) {
      result.failed.push({ action: 'start', target: entry.start.containerInstanceArn, startedBy: launch.startedBy, ...describeError(error) });
    }
  }
}

/**
 * Places refused copies again, together per launch so the placer spreads or packs them as one
 * request, never on an instance that refused them. A copy without a placement (pinned to its
 * instance), past its retries, or with nowhere left to go is reported with ECS's reason.
 */
function placeAgain(snapshot: Snapshot, conflicts: readonly Conflict[], maxRetries: number, options: ApplyOptions, result: ApplyResult): Entry[] {
  const again: Entry[] = [];
  const movable = conflicts.filter((conflict) => {
    const definition = snapshot.taskDefinition(conflict.start.launch.taskDefinitionArn);
    if (conflict.start.placement && definition && conflict.retries < maxRetries) return true;
    result.failed.push(startFailure(conflict.start, { arn: conflict.start.containerInstanceArn, reason: conflict.reason }));
    return false;
  });
  for (const group of groupBy(movable, (c) => `${launchKey(c.start.launch)}|${JSON.stringify(c.start.placement)}`).values()) {
    const { start } = group[0]!;
    const refusedBy = new Set(group.flatMap((c) => [...c.refusedBy, c.start.containerInstanceArn]));
    const retries = Math.max(...group.map((c) => c.retries)) + 1;
    const { placements } = place(snapshot, {
      requirements: snapshot.taskDefinition(start.launch.taskDefinitionArn)!.requirements,
      count: group.length,
      constraints: start.placement!.constraints,
      strategy: start.placement!.strategy,
      group: start.launch.group,
      peers: snapshot.tasks(start.placement!.peers),
      exclude: refusedBy,
      random: options.random,
    });
    group.forEach((conflict, index) => {
      const next = placements[index];
      if (next) again.push({ start: { ...conflict.start, containerInstanceArn: next.arn }, retries, refusedBy });
      else result.failed.push(startFailure(conflict.start, { arn: conflict.start.containerInstanceArn, reason: conflict.reason }));
    });
  }
  return again;
}

/** Splits the copies of one launch into StartTask calls of at most 10 instances. */
function batches(entries: readonly Entry[]): Entry[][] {
  const calls: Entry[][] = [];
  // One instance appears once per call, so two copies for one instance go in separate calls.
  let rest = entries;
  while (rest.length > 0) {
    const batch: Entry[] = [];
    const later: Entry[] = [];
    for (const entry of rest) {
      const taken = batch.some((b) => b.start.containerInstanceArn === entry.start.containerInstanceArn);
      if (!taken && batch.length < START_BATCH) batch.push(entry);
      else later.push(entry);
    }
    calls.push(batch);
    rest = later;
  }
  return calls;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

function launchKey(launch: Launch): string {
  return JSON.stringify([launch.taskDefinitionArn, launch.startedBy, launch.group, launch.tags, launch.overrides]);
}

function recordStarts(
  snapshot: Snapshot,
  batch: readonly Entry[],
  tasks: readonly EcsTask[],
  result: ApplyResult,
): Set<Entry> {
  const definition = snapshot.taskDefinition(batch[0]!.start.launch.taskDefinitionArn);
  const started = new Set<Entry>();
  for (const task of tasks) {
    const entry = batch.find((e) => e.start.containerInstanceArn === task.containerInstanceArn && !started.has(e));
    if (!entry || !task.taskArn) continue;
    started.add(entry);
    result.started.push({
      taskArn: task.taskArn,
      containerInstanceArn: entry.start.containerInstanceArn,
      startedBy: entry.start.launch.startedBy,
      reason: entry.start.reason,
    });
    // Book the copy in the snapshot so re-placements and later rules in this invocation see it.
    if (definition) snapshot.reserve(entry.start.containerInstanceArn, definition.requirements);
    snapshot.putTasks([taskFromEcs(task, definition)]);
  }
  return started;
}

/** Re-reads instances ECS refused; false when that failed (the caller then stops placing again). */
async function refreshInstances(ecs: ECSClient, snapshot: Snapshot, arns: readonly string[]): Promise<boolean> {
  const unique = [...new Set(arns)];
  try {
    for (let i = 0; i < unique.length; i += 100) {
      const answer = await ecs.send(
        new DescribeContainerInstancesCommand({ cluster: snapshot.cluster.arn, containerInstances: unique.slice(i, i + 100) }),
      );
      snapshot.putInstances((answer.containerInstances ?? []).map(instanceFromEcs));
    }
    return true;
  } catch {
    // Thrown here, the copies this plan already started would vanish from the result.
    return false;
  }
}

function startFailure(start: PlannedStart, failure: EcsFailure): FailedAction {
  return {
    action: 'start',
    target: start.containerInstanceArn,
    startedBy: start.launch.startedBy,
    reason: failure.reason ?? 'UNKNOWN',
    detail: failure.detail,
  };
}

function describeError(error: unknown): Pick<FailedAction, 'reason' | 'detail' | 'outcomeUnknown'> {
  const e = error as Error;
  return {
    reason: e.name ?? 'Error',
    detail: e.message,
    ...(e.name === 'StartOutcomeUnknownError' ? { outcomeUnknown: true } : {}),
  };
}

/**
 * IAM lets a function stop only tasks whose rule tag names its rule. A copy started before the
 * scheduler tagged its copies (by an earlier version, before an upgrade) has no tag: its stop is
 * refused every time, until someone tags or stops it, so the failure says how.
 */
function describeStopError(error: unknown): Pick<FailedAction, 'reason' | 'detail' | 'outcomeUnknown'> {
  const described = describeError(error);
  if (described.reason !== 'AccessDeniedException') return described;
  return {
    ...described,
    detail: `${described.detail} (this function may stop only tasks tagged ${RULE_TAG_KEY} with its rule's name; a copy started before the upgrade that added the tag has none: tag it, or stop it yourself, see the README's upgrade note)`,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

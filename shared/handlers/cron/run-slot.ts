import type { ECSClient } from '@aws-sdk/client-ecs';
import { applyPlan, type ApplyResult, type FailedAction, type StoppedTask } from '../../ecs/apply.js';
import { CallCounter } from '../../ecs/call-counter.js';
import { isTransientEcsError } from '../../ecs/transient.js';
import type { CronSlotOutcome } from '../../report/cron-report.js';
import type { Placement } from '../../report/result-events.js';
import { planSlot, type SlotOutcome } from '../../rules/cron/plan-slot.js';
import { explainAccessDenied } from '../../rules/pass-roles.js';
import type { CronRule } from '../../rules/cron/rule.js';
import { slotTerms, type Retry } from '../../rules/cron/slot-terms.js';
import { cronScope } from '../../rules/cron/scope.js';
import { assembleSnapshot, readTasks } from '../../state/load.js';
import { SharedScans } from '../../state/shared-scan.js';
import type { Snapshot } from '../../state/snapshot.js';
import { describeTaskDefinition } from '../../state/task-definitions.js';
import type { TaskDefinitionInfo } from '../../state/types.js';
import { failureAfterError, nextStep, RESERVED_MS, STOP_WAIT_MAX_MS, type SlotStep } from './attempt.js';
import type { CronContext } from './context.js';

/** What stays fixed across the attempts at one slot. */
interface SlotRun {
  rule: CronRule;
  slot: Date;
  trigger: 'schedule' | 'manual';
  retry: Retry | undefined;
  /** Resolved once: every attempt starts the same revision, even if a new one is registered meanwhile. */
  target: TaskDefinitionInfo;
  /** The startedBy of the slot's copies. */
  key: string;
  count: number;
  /** Where capacity retries end: the starting deadline, or the completion bound once the slot has begun. */
  deadline: Date;
  /** The slot's completion bound; set when an earlier delivery began it (the deadline then no longer applies). */
  completeBy: Date | undefined;
  /** Runs Replace stopped that have been stopping for longer than any stop timeout: the new run no longer waits for them. */
  stopWaitOver: Set<string>;
  /** The scan the last attempt looked at (SharedScans' number): the next one needs a newer one. */
  lastScan?: number;
  /** No copy can have started, or stopped, yet: the first look of a slot claimed just now. */
  nothingStarted: boolean;
  /** RunTask answers so far (launches ECS places): a new round gives each call a new client token. */
  runRound: number;
}

/** How an invocation takes up a slot. */
export interface SlotRunOptions {
  retry?: Retry;
  /** The slot's completion bound (from its ledger record). */
  completeBy?: Date;
  /** An earlier delivery began the slot: it is completed until `completeBy`, whatever its starting deadline. */
  resumed?: boolean;
  /** The slot was claimed just now: no copy under its key can exist before this invocation's first start. */
  claimedNow?: boolean;
}

/** The slot's copies as an attempt left them. */
interface Sight {
  clusterArn: string;
  copies: Placement[];
}

/** One attempt: wait, load, plan, apply. It never throws: an error comes back with what the snapshot showed then. */
type Tried =
  | (Sight & { ok: true; copiesBefore: number; decision: SlotOutcome; result: ApplyResult | undefined })
  | { ok: false; copiesBefore: number | undefined; error: unknown; sight: Sight | undefined };

/**
 * Gives one slot its `count` copies, once: load the cluster, plan the slot, apply the plan, and
 * while copies are missing for lack of capacity, wait and do it all again until the starting
 * deadline. What follows each attempt is decided by nextStep (attempt.ts); this is the I/O.
 *
 * Why a loop here and not EventBridge Scheduler's retries: a Scheduler retry re-delivers the slot
 * later, with a backoff we do not control, and looks exactly like a duplicate delivery; a FIFO
 * queue has no per-message delay to schedule our own retry; and the loop keeps the rule's message
 * group busy, which is what serializing the rule asks for (no other slot of the rule is planned
 * meanwhile). The cost: the function's timeout must cover the deadline. Deadlines are under an
 * hour and a Lambda runs at most 15 minutes, so the loop also ends, reported as a failure, when
 * the function's remaining time would not cover another attempt (RESERVED_MS).
 *
 * Every attempt reloads the snapshot and plans again, so copies started by an earlier attempt
 * (or by a start whose answer was lost) are seen and only the missing ones start. A start whose
 * outcome is unknown is never repeated blindly: the next attempt waits first, giving ECS's lists
 * time to show the task if it did start, then plans from what is there.
 *
 * An attempt that fails on ECS errors (throttles, 5xx, timeouts: a brownout) is made again after
 * a growing wait (1 s doubling to 8 s) while the function has time: failed, the message would
 * come back only after the visibility timeout, past the starting deadline. Any other error before
 * any copy started propagates: the message fails and SQS brings it back. An error
 * once copies have started (a reload for a capacity retry, an apply cut short) does not: the slot
 * ends `failed`, listing the copies that started and the error, and is reported like any outcome,
 * so those copies are never hidden behind a retry.
 */
export async function runSlot(rule: CronRule, slot: Date, trigger: 'schedule' | 'manual', context: CronContext, options: SlotRunOptions = {}): Promise<CronSlotOutcome> {
  // The client is the function's, shared by the slots running beside this one: count only this slot's requests.
  const calls = new CallCounter();
  return calls.count(context.ecs, () => runCounted(rule, slot, trigger, context, options, calls));
}

async function runCounted(rule: CronRule, slot: Date, trigger: 'schedule' | 'manual', context: CronContext, options: SlotRunOptions, calls: CallCounter): Promise<CronSlotOutcome> {
  const target = await describeTaskDefinition(context.ecs, rule.taskDefinition);
  const { retry, completeBy } = options;
  const { key, deadline } = slotTerms(rule, slot, trigger, retry);
  const resumed = options.resumed === true && completeBy !== undefined;
  const run: SlotRun = {
    rule,
    slot,
    trigger,
    retry,
    target,
    key,
    count: rule.count ?? 1,
    deadline: resumed ? completeBy : deadline,
    completeBy: resumed ? completeBy : undefined,
    stopWaitOver: new Set(),
    nothingStarted: options.claimedNow === true,
    runRound: 0,
  };
  const replaced: StoppedTask[] = [];
  const extras: StoppedTask[] = [];
  /** When each run Replace waits for was first seen stopping. */
  const stoppingSince = new Map<string, number>();
  let conflicts = 0;
  /** The slot's copies when first seen: those above it started in this invocation. */
  let copiesAtFirstLook: number | undefined;
  /** The copies after the last applied start, and what failed in it: what an error after it reports. */
  let lastStart: (Sight & { failures: FailedAction[] }) | undefined;
  let waitMs = 0;
  let errorWaitMs = FIRST_ERROR_WAIT_MS;

  for (let attempts = 1; ; attempts += 1) {
    const tried = await attemptOnce(run, context, waitMs);

    if (!tried.ok) {
      if (isTransientEcsError(tried.error) && context.remainingTimeMs() - errorWaitMs >= RESERVED_MS) {
        // Failed, the message would come back only after a visibility timeout, past the starting deadline.
        context.logger.warn('cron slot: an attempt failed on ECS errors; trying again within the function\'s time', { rule: rule.name, slot: slot.toISOString(), attempt: attempts, waitMs: errorWaitMs, error: tried.error as Error });
        waitMs = errorWaitMs;
        errorWaitMs = Math.min(2 * errorWaitMs, MAX_ERROR_WAIT_MS);
        continue;
      }
      const firstLook = copiesAtFirstLook ?? tried.copiesBefore;
      const sight = tried.sight ?? lastStart;
      if (sight === undefined || firstLook === undefined) throw tried.error;
      const startedNow = Math.max(0, sight.copies.length - firstLook);
      const failure = failureAfterError(tried.error, startedNow, lastStart?.failures ?? []);
      if (failure === undefined) throw tried.error;
      // Rethrown, the message would come back and the copies that started would vanish from the outcome.
      context.logger.error('cron slot: an error after copies started; reported as a failed run with them', { rule: rule.name, slot: slot.toISOString(), error: tried.error as Error });
      return outcome(slotBase(run, sight.clusterArn, attempts, replaced, extras, conflicts, calls), failure, sight.copies, startedNow);
    }

    const firstLook = (copiesAtFirstLook ??= tried.copiesBefore);
    const { clusterArn, decision, result, copies } = tried;
    // A skip's stops are the slot's own extra copies; any other stops are the runs Replace ends.
    (decision.kind === 'skip' ? extras : replaced).push(...(result?.stopped ?? []));
    conflicts += result?.conflicts ?? 0;
    if (decision.kind === 'start') lastStart = { clusterArn, copies, failures: result!.failed };
    // ECS answered the RunTask calls (tasks or failures): a retry is a new request, under a new token.
    // A lost answer keeps the round, so the retry repeats the same token and ECS starts nothing twice.
    const runs = result?.failed.filter((failure) => failure.call === 'RunTask') ?? [];
    if (runs.length > 0 && runs.every((failure) => !failure.outcomeUnknown)) run.runRound += 1;
    if (replaced.length > 0 && run.completeBy === undefined && completeBy !== undefined) {
      // The old run is stopped: the slot has begun, and its new run starts whatever the deadline.
      run.completeBy = completeBy;
      run.deadline = completeBy;
    }
    if (decision.kind === 'await-stops') awaitStops(run, decision.stopping, context.now(), stoppingSince);
    const step = nextStep({
      number: attempts,
      begun: run.completeBy !== undefined,
      decision: decision.kind === 'await-stops' ? { kind: 'await-stops', stopping: decision.stopping.length } : decision,
      failures: result?.failed ?? [],
      copies: copies.length,
      count: run.count,
      retryOnCapacity: rule.retryOnCapacity !== false,
      now: context.now(),
      deadline: run.deadline,
      remainingTimeMs: context.remainingTimeMs(),
    });
    if (step.kind !== 'retry') return outcome(slotBase(run, clusterArn, attempts, replaced, extras, conflicts, calls), step, copies, Math.max(0, copies.length - firstLook));

    // Only a start is ever retried: a skip ends the slot.
    const rejections = decision.kind === 'start' ? decision.rejections : {};
    context.logger.info(WAITING[step.why], {
      rule: rule.name,
      slot: slot.toISOString(),
      attempt: attempts,
      missing: run.count - copies.length,
      waitMs: step.waitMs,
      rejections,
    });
    waitMs = step.waitMs;
  }
}

/** Waits before an attempt that follows one failed on ECS errors (throttles, 5xx, timeouts): doubled each time. */
const FIRST_ERROR_WAIT_MS = 1_000;
const MAX_ERROR_WAIT_MS = 8_000;

const WAITING = {
  'outcome-unknown': 'a start may or may not have happened; re-reading the cluster before trying again',
  capacity: 'cron slot waits for capacity',
  'awaiting-stops': 'cron slot waits for the run it replaces to reach STOPPED',
} as const;

/**
 * Notes since when each run Replace waits for has been stopping; one stopping for longer than
 * any stop timeout no longer holds the new run back (the next plan starts it).
 */
function awaitStops(run: SlotRun, stopping: readonly string[], now: Date, since: Map<string, number>): void {
  for (const arn of stopping) {
    const first = since.get(arn) ?? now.getTime();
    since.set(arn, first);
    if (now.getTime() - first >= STOP_WAIT_MAX_MS) run.stopWaitOver.add(arn);
  }
}

/**
 * Waits `waitMs` (none on the first attempt), loads the cluster, plans the slot and applies the
 * plan; a skip applies only the stops it still carries (Replace ends the old run even when the
 * new one cannot start). An error comes back as a value, with the slot's copies as far as the
 * snapshot showed them: an apply cut short may still have started some, and the snapshot has them.
 */
async function attemptOnce(run: SlotRun, context: CronContext, waitMs: number): Promise<Tried> {
  const { ecs } = context;
  let snapshot: Snapshot | undefined;
  let copiesBefore: number | undefined;
  try {
    if (waitMs > 0) await context.sleep(waitMs);
    const pacer = context.readPacer && { pacer: context.readPacer };
    // The rule's own tasks are read fresh on every attempt (overlap and once-per-slot rest on
    // them), outside the cluster's turn; the instances come from the function's scan.
    const scope = cronScope(run.rule, run.target, { claimedNow: run.nothingStarted });
    // From here on a start may have happened, even one whose answer was lost.
    run.nothingStarted = false;
    const tasks = await readTasks(ecs, run.rule.cluster, scope, { taskDefinitions: [run.target.arn], ...pacer });
    const scans = context.instanceScans ?? new SharedScans({ maxAgeMs: 0 });
    // A retry (capacity, a lost answer, errors) must see the instances as they are now, not as its
    // last look saw them. The clock is read when the cluster's turn comes: the wait for it may be long.
    const request = { now: () => context.now(), after: run.lastScan, ...pacer };
    return await scans.decide(ecs, run.rule.cluster, request, async (scan, { now, scan: used }) => {
      run.lastScan = used;
      snapshot = await assembleSnapshot(scan, tasks, now);
      copiesBefore = copiesOf(snapshot, run.key).length;
      const tried = await planAndApply(run, ecs, snapshot, now, copiesBefore);
      // Refused instances were re-read into the snapshot and go on with it; a start whose answer
      // was lost, or a refused instance that could not be re-read, leaves the view in doubt.
      const stale = tried.result?.refreshFailed === true || (tried.result?.failed.some((failure) => failure.outcomeUnknown) ?? false);
      return { value: tried, instances: snapshot.instances(), stale };
    });
  } catch (error) {
    return { ok: false, error, copiesBefore, sight: snapshot && sightOf(snapshot, run.key) };
  } finally {
    snapshot?.close();
  }
}

/** Plans the slot on the snapshot and applies the plan. */
async function planAndApply(run: SlotRun, ecs: ECSClient, snapshot: Snapshot, now: Date, copiesBefore: number): Promise<Extract<Tried, { ok: true }>> {
  const decision = planSlot({
    snapshot,
    rule: run.rule,
    target: run.target,
    slot: run.slot,
    now,
    trigger: run.trigger,
    retry: run.retry,
    completeBy: run.completeBy,
    stopWaitOver: run.stopWaitOver,
    runRound: run.runRound,
  });
  const applied = decision.plan && (await applyPlan(ecs, snapshot, decision.plan));
  const result = applied && { ...applied, failed: explainAccessDenied(applied.failed, run.rule, run.target) };
  return { ok: true, clusterArn: snapshot.cluster.arn, copiesBefore, decision, result, copies: copiesOf(snapshot, run.key) };
}

/** What a snapshot still shows after an error, if it can show anything. */
function sightOf(snapshot: Snapshot, key: string): Sight | undefined {
  try {
    return { clusterArn: snapshot.cluster.arn, copies: copiesOf(snapshot, key) };
  } catch {
    return undefined;
  }
}

type SlotBase = Omit<Extract<CronSlotOutcome, { status: 'started' }>, 'status' | 'copies' | 'startedNow'>;

function slotBase(run: SlotRun, clusterArn: string, attempts: number, replaced: StoppedTask[], extras: StoppedTask[], conflicts: number, calls: CallCounter): SlotBase {
  return {
    rule: run.rule.name,
    clusterArn,
    slot: run.slot,
    trigger: run.trigger,
    startedBy: run.key,
    count: run.count,
    deadline: run.deadline,
    attempts,
    replaced,
    extrasStopped: extras,
    conflicts,
    apiCalls: calls.total(),
    throttles: calls.throttles(),
  };
}

function outcome(base: SlotBase, step: Exclude<SlotStep, { kind: 'retry' }>, copies: Placement[], startedNow: number): CronSlotOutcome {
  switch (step.kind) {
    case 'skip':
      return { ...base, status: 'skipped', reason: step.reason, detail: step.detail, copies };
    case 'done':
      return { ...base, status: 'started', copies, startedNow };
    case 'fail':
      return { ...base, status: 'failed', copies, startedNow, missing: base.count - copies.length, reasons: step.reasons, rejections: step.rejections, failures: step.failures };
  }
}

/** The slot's copies in the snapshot, in any status, with where they run. */
function copiesOf(snapshot: Snapshot, key: string): Placement[] {
  return snapshot.tasks({ startedBy: key }).map((task) => ({
    taskArn: task.arn,
    containerInstanceArn: task.containerInstanceArn,
    ec2InstanceId: task.containerInstanceArn === undefined ? undefined : snapshot.instance(task.containerInstanceArn)?.ec2InstanceId,
    lastStatus: task.lastStatus,
  }));
}

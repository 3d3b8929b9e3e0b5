import { Logger } from '@aws-lambda-powertools/logger';
import { DescribeTasksCommand, StartTaskCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { EventPipeline } from '../../local/pipeline/event-pipeline.js';
import { settle } from '../../local/pipeline/settle.js';
import { handleCronBatch, type CronContext } from '../../shared/handlers/cron/handle.js';
import { FIRST_RETRY_MS } from '../../shared/handlers/cron/backoff.js';
import { STOP_POLL_MS } from '../../shared/handlers/cron/attempt.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { isResultEvent, type ResultDetails, type ResultEvent } from '../../shared/report/result-events.js';
import type { DetailType } from '../../shared/report/vocabulary.js';
import { cronRulePrefix, cronSlotKey, SCHEDULED_TIME_VARIABLE, type CronRule } from '../../shared/rules/cron/index.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics } from '../support/telemetry.js';
import { stopOnlyTasksTagged } from '../support/iam.js';

/**
 * The cron handler end to end: the real SDK against the emulator, messages through the local
 * SQS FIFO pipeline (group = rule) as EventBridge Scheduler sends them. One clock drives the
 * emulator's timestamps and the handler's now(); the handler's sleep moves it, so capacity
 * retries and deadlines play out without waiting.
 */

let clock = Date.parse('2026-03-01T00:00:00Z');
let emulator: Emulator;
let ledger: LocalLedger;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 23, clock: () => clock });
  ledger = await startLocalLedger({ now: () => new Date(clock) });
});
afterAll(async () => {
  await emulator.close();
  await ledger.close();
});
afterEach(() => emulator.calls.reset());

const SLOT = new Date('2026-03-01T02:00:00Z');
const at = (slot: Date, seconds: number) => slot.getTime() + seconds * 1000;

let clusters = 0;
/** A cluster of `count` instances, a job's task definition, and a daily 02:00 UTC rule for it. */
function cluster(count: number, rule: Partial<CronRule> = {}, size = { cpu: 1024, memory: 2048 }) {
  clusters += 1;
  const name = `cron-${clusters}`;
  const clusterArn = emulator.admin.createCluster(name);
  const family = `job-${clusters}`;
  // No host port: nothing on ECS's side stops a second copy of a run.
  emulator.admin.registerTaskDefinition({
    family,
    containerDefinitions: [
      { name: 'main', image: 'billing', cpu: 256, memory: 512 },
      { name: 'sidecar', image: 'uploader', cpu: 0, memory: 64 },
    ],
  });
  const instances = Array.from({ length: count }, () => emulator.admin.registerInstance({ cluster: name, ...size }));
  const cron: CronRule = { name: `job${clusters}`, cluster: name, taskDefinition: family, schedule: 'cron(0 2 * * ? *)', ...rule };
  return { name, clusterArn, instances, rule: cron };
}

class RecordingLogger extends Logger {
  readonly records: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  constructor() {
    super({ serviceName: 'test', logLevel: 'SILENT' });
  }
  override error(...args: Parameters<Logger['error']>): void {
    this.record('error', args);
  }
  override warn(...args: Parameters<Logger['warn']>): void {
    this.record('warn', args);
  }
  override info(...args: Parameters<Logger['info']>): void {
    this.record('info', args);
  }
  private record(level: string, [message, ...extra]: Parameters<Logger['error']>): void {
    this.records.push({ level, message: String(message), fields: Object.assign({}, ...extra.filter((e) => typeof e === 'object')) });
  }
}

interface Options {
  /** The Lambda's remaining time: a fixed budget minus the clock time spent since the context was made. */
  budgetMs?: number;
  /** Runs inside the handler's sleep, after the clock moved; `n` counts the sleeps from 1. */
  onSleep?: (n: number) => void | Promise<void>;
}

type TestContext = CronContext & {
  publisher: MemoryPublisher;
  metrics: CapturingMetrics;
  logger: RecordingLogger;
  sleeps: number[];
  /** A new invocation: the function's time budget starts again. */
  invoked(): void;
};

/** A failure a person must fix, which no retry cures. */
const DENIED = { type: 'AccessDeniedException', message: 'not authorized to perform: ecs:ListContainerInstances' };

function context(rules: CronRule[], options: Options = {}): TestContext {
  const sleeps: number[] = [];
  let invokedAt = clock;
  return {
    rules: new Map(rules.map((rule) => [rule.name, rule])),
    ecs: schedulerClient(emulator),
    ledger: ledger.ledger,
    publisher: new MemoryPublisher(),
    logger: new RecordingLogger(),
    metrics: new CapturingMetrics(),
    now: () => new Date(clock),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
      await emulator.admin.settle();
      await options.onSleep?.(sleeps.length);
    },
    remainingTimeMs: () => (options.budgetMs ?? 900_000) - (clock - invokedAt),
    invoked: () => {
      invokedAt = clock;
    },
    // The emulator here does not throttle: no pacing, so the file's many loads cost no real time.
    readPacer: new ReadPacer({ burst: 1_000_000, perSecond: 1_000_000, concurrency: 100 }),
    sleeps,
  };
}

/** The rule's FIFO queue and the handler behind it. Deduplication is off unless asked for. */
function pipeline(ctx: TestContext, options: { deduplicationWindowMs?: number; batchSize?: number } = {}) {
  const inFlight = new Map<string, number>();
  const maxInFlight = { perGroup: 0, overall: 0 };
  const events = new EventPipeline({
    patterns: [],
    deduplicationWindowMs: options.deduplicationWindowMs ?? 0,
    batchSize: options.batchSize ?? 10,
    now: () => clock,
    handler: async (messages) => {
      const group = messages[0]!.groupId;
      inFlight.set(group, (inFlight.get(group) ?? 0) + 1);
      maxInFlight.perGroup = Math.max(maxInFlight.perGroup, inFlight.get(group)!);
      maxInFlight.overall = Math.max(maxInFlight.overall, [...inFlight.values()].reduce((a, b) => a + b, 0));
      try {
        ctx.invoked();
        return await handleCronBatch(messages, ctx);
      } finally {
        inFlight.set(group, inFlight.get(group)! - 1);
      }
    },
  });
  return { events, maxInFlight };
}

function quiesce(events: EventPipeline): Promise<void> {
  return settle(emulator, [events]);
}

const slotMessage = (rule: CronRule, slot: Date) => JSON.stringify({ kind: 'slot', rule: rule.name, slot: slot.toISOString() });
const runNow = (rule: CronRule, requestedAt: Date) => JSON.stringify({ kind: 'run-now', rule: rule.name, requestedAt: requestedAt.toISOString() });
const overdue = (rule: CronRule) => JSON.stringify({ kind: 'overdue', rule: rule.name });

/** Every copy ever started for the slot, whatever its status now. */
const copies = (name: string, rule: CronRule, slot: Date) => emulator.admin.listTasks(name, { startedBy: cronSlotKey(rule, slot) });
const running = (name: string, rule: CronRule) =>
  emulator.admin.listTasks(name).filter((t) => t.startedBy?.startsWith(cronRulePrefix(rule)) && t.desiredStatus === 'RUNNING');
const ofType = <T extends DetailType>(events: readonly ResultEvent[], type: T): Array<ResultDetails[T]> => events.filter(isResultEvent(type)).map((e) => e.detail);

/** Keeps events, but refuses (as EventBridge may) every publish that holds one of `refused`'s type, `times` times. */
class RefusingPublisher extends MemoryPublisher {
  constructor(
    private readonly refused: DetailType,
    private times = Infinity,
  ) {
    super();
  }
  override publish(events: readonly ResultEvent[]): Promise<void> {
    if (this.times > 0 && events.some((e) => e.detailType === this.refused)) {
      this.times -= 1;
      return Promise.reject(new Error(`EventBridge refused 1 result event(s): InternalFailure`));
    }
    return super.publish(events);
  }
}

describe('cron handler: a deploy that changes the schedule', () => {
  it('runs a slot of the new schedule that reaches the function still holding the old rule, and warns naming both', async () => {
    const { name, rule } = cluster(1);
    const newSlot = new Date(SLOT.getTime() + 3600_000);
    clock = at(newSlot, 2);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    // As the updated schedule sends it, while this function's rule still says 02:00.
    events.send(JSON.stringify({ kind: 'slot', rule: rule.name, slot: newSlot.toISOString(), schedule: 'cron(0 3 * * ? *)', timeZone: 'UTC' }), rule.name);
    await quiesce(events);

    expect(copies(name, rule, newSlot)).toHaveLength(1);
    expect(ofType(ctx.publisher.events, 'Cron Message Rejected')).toEqual([]);
    expect(ctx.logger.records).toContainEqual({
      level: 'warn',
      message: "cron slot fired by a schedule other than this function's rule; the slot was checked against the schedule that fired it",
      fields: { messageId: expect.any(String), rule: rule.name, slot: newSlot.toISOString(), firedBy: { schedule: 'cron(0 3 * * ? *)', timeZone: 'UTC' }, configured: { schedule: 'cron(0 2 * * ? *)', timeZone: 'UTC' } },
    });
  });
});

describe('cron handler: once per slot', () => {
  it('starts count copies for a slot, each told its SCHEDULED_TIME, and reports where they run', async () => {
    const { name, instances, rule } = cluster(3, { count: 3, tags: { team: 'billing' } });
    clock = at(SLOT, 2);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    const started = copies(name, rule, SLOT);
    expect(started).toHaveLength(3);
    for (const task of started) {
      expect(task.lastStatus).toBe('RUNNING');
      for (const container of ['main', 'sidecar']) {
        expect(task.overrides.containerOverrides?.find((c) => c.name === container)?.environment).toContainEqual({ name: SCHEDULED_TIME_VARIABLE, value: SLOT.toISOString() });
      }
      expect(task.tags).toContainEqual({ key: 'team', value: 'billing' });
    }
    // Through ECS's own API, as IAM sees them: every copy names its rule in the rule tag.
    const described = await schedulerClient(emulator).send(new DescribeTasksCommand({ cluster: name, tasks: started.map((t) => t.arn), include: ['TAGS'] }));
    expect(described.tasks!.map((task) => task.tags)).toEqual(started.map(() => expect.arrayContaining([{ key: 'team', value: 'billing' }, { key: 'ecs-schedulers:rule', value: `cron/${rule.name}` }])));
    const [event] = ofType(ctx.publisher.events, 'Cron Run Started');
    expect(event).toMatchObject({ rule: rule.name, slot: SLOT.toISOString(), trigger: 'schedule', count: 3, startedNow: 3, attempts: 1 });
    const placements = event!.placements as Array<{ taskArn: string; containerInstanceArn: string; ec2InstanceId: string }>;
    expect(placements.map((p) => p.taskArn).sort()).toEqual(started.map((t) => t.arn).sort());
    for (const placement of placements) {
      expect(instances).toContain(placement.containerInstanceArn);
      expect(placement.ec2InstanceId).toBe(emulator.admin.describeInstance(placement.containerInstanceArn).ec2InstanceId);
    }
    expect(ctx.metrics.last('RunsStarted')).toBe(1);
    expect(ctx.metrics.last('CopiesStarted')).toBe(3);
    expect(ctx.metrics.published.at(-1)).toMatchObject({ Rule: rule.name, Kind: 'cron' });
    expect(ctx.logger.records).toContainEqual(expect.objectContaining({ level: 'info', message: 'cron run started' }));
    expect(events.queue.deadLetters).toEqual([]);
  });

  it('a slot delivered twice (beyond deduplication) starts its copies once, also after the run ended', async () => {
    const { name, rule } = cluster(2, { count: 2 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    expect(copies(name, rule, SLOT)).toHaveLength(2);

    // The run ends; the slot comes a third time, within its deadline: its STOPPED copies count.
    for (const task of copies(name, rule, SLOT)) emulator.admin.stopTask(task.arn, 'Essential container in task exited');
    await emulator.admin.settle();
    clock = at(SLOT, 200);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    expect(copies(name, rule, SLOT)).toHaveLength(2);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toHaveLength(1);
    const skips = ofType(ctx.publisher.events, 'Cron Slot Skipped');
    expect(skips.map((s) => s.reason)).toEqual(['slot-complete', 'slot-complete']);
    expect((skips[1]!.copies as Array<{ lastStatus: string }>).map((c) => c.lastStatus)).toEqual(['STOPPED', 'STOPPED']);
  });

  it('with SQS deduplication on, the second delivery within 5 minutes never reaches the handler', async () => {
    const { name, rule } = cluster(1);
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx, { deduplicationWindowMs: 5 * 60_000 });
    events.send(slotMessage(rule, SLOT), rule.name);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    expect(events.stats).toMatchObject({ delivered: 1, deduplicated: 1, batches: 1 });
    expect(copies(name, rule, SLOT)).toHaveLength(1);
  });

  it('two invocations at once for one slot, without the queue: the lease lets one run it, the other yields and comes back', async () => {
    const { name, rule } = cluster(4, { count: 2 });
    clock = at(SLOT, 1);
    const message = [{ messageId: 'm-1', body: slotMessage(rule, SLOT) }];
    // Two Lambdas with their own clients, as when a visibility timeout ends while the first still runs.
    const first = context([rule]);
    const second = context([rule]);
    const answers = await Promise.all([handleCronBatch(message, first), handleCronBatch(message, second)]);
    await emulator.admin.settle();

    expect(answers.map((answer) => answer.batchItemFailures.length).sort()).toEqual([0, 1]);
    expect(copies(name, rule, SLOT)).toHaveLength(2);
    expect([...first.publisher.events, ...second.publisher.events].filter((e) => e.detailType === 'Cron Run Started')).toHaveLength(1);
    // The yielded delivery, back after the visibility timeout, finds the slot running.
    const again = context([rule]);
    expect(await handleCronBatch(message, again)).toEqual({ batchItemFailures: [] });
    expect(ofType(again.publisher.events, 'Cron Slot Skipped').map((s) => s.reason)).toEqual(['slot-complete']);
    expect(copies(name, rule, SLOT)).toHaveLength(2);
  });

  it('the same two deliveries at once through the rule\'s FIFO group: handled one after the other, exactly count copies', async () => {
    const a = cluster(4, { count: 2 });
    const b = cluster(4, { count: 2 });
    clock = at(SLOT, 1);
    const ctx = context([a.rule, b.rule]);
    const { events, maxInFlight } = pipeline(ctx, { batchSize: 1 });
    // In one turn, as two Scheduler deliveries landing together; rule b's group alongside.
    events.send(slotMessage(a.rule, SLOT), a.rule.name);
    events.send(slotMessage(a.rule, SLOT), a.rule.name);
    events.send(slotMessage(b.rule, SLOT), b.rule.name);
    events.send(slotMessage(b.rule, SLOT), b.rule.name);
    await quiesce(events);

    expect(copies(a.name, a.rule, SLOT)).toHaveLength(2);
    expect(copies(b.name, b.rule, SLOT)).toHaveLength(2);
    expect(maxInFlight.perGroup).toBe(1);
    // Different rules' groups did run at once, as Lambda runs them: the serialization is per rule.
    expect(maxInFlight.overall).toBe(2);
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped').map((s) => [s.rule, s.reason]).sort()).toEqual([
      [a.rule.name, 'slot-complete'],
      [b.rule.name, 'slot-complete'],
    ]);
  });

  it('a start whose answer was lost is not repeated: the handler waits, re-reads, and finds the copy', async () => {
    const { name, rule } = cluster(2);
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    let lost = 0;
    // Inside the SDK's deserializer: ECS did start the task, and the client never hears of it.
    ctx.ecs.middlewareStack.add(
      (next, { commandName }) =>
        async (args) => {
          const answer = await next(args);
          if (commandName === 'StartTaskCommand' && lost === 0) {
            lost += 1;
            throw Object.assign(new Error('socket hang up'), { name: 'Error' });
          }
          return answer;
        },
      { step: 'deserialize', priority: 'low', name: 'loseAnswer' },
    );
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    expect(lost).toBe(1);
    expect(copies(name, rule, SLOT)).toHaveLength(1);
    expect(ctx.sleeps).toEqual([FIRST_RETRY_MS]);
    expect(emulator.calls.count('StartTask')).toBe(1);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toEqual([expect.objectContaining({ startedNow: 1, attempts: 2 })]);
  });
});

describe('cron handler: overlap policies', () => {
  const EVERY_5 = 'cron(*/5 * * * ? *)';
  const NEXT = new Date(at(SLOT, 300));

  it('Forbid (the default) skips a slot while the last run goes, and says which run', async () => {
    const { name, rule } = cluster(2, { schedule: EVERY_5 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    clock = at(NEXT, 1);
    events.send(slotMessage(rule, NEXT), rule.name);
    await quiesce(events);

    expect(copies(name, rule, NEXT)).toHaveLength(0);
    expect(running(name, rule).map((t) => t.startedBy)).toEqual([cronSlotKey(rule, SLOT)]);
    const [skip] = ofType(ctx.publisher.events, 'Cron Slot Skipped');
    expect(skip).toMatchObject({ slot: NEXT.toISOString(), reason: 'overlap-forbidden' });
    expect(skip!.detail).toContain(SLOT.toISOString());
    expect(ctx.metrics.last('SlotsSkipped')).toBe(1);
  });

  it('Replace stops the last run with a reason and starts the new one', async () => {
    const { name, rule } = cluster(2, { schedule: EVERY_5, overlapPolicy: 'Replace' });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    const [old] = copies(name, rule, SLOT);
    clock = at(NEXT, 1);
    events.send(slotMessage(rule, NEXT), rule.name);
    await quiesce(events);

    expect(emulator.admin.describeTask(old!.arn)).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: expect.stringContaining('overlap policy Replace') });
    expect(running(name, rule).map((t) => t.startedBy)).toEqual([cronSlotKey(rule, NEXT)]);
    const started = ofType(ctx.publisher.events, 'Cron Run Started');
    expect(started[1]).toMatchObject({ slot: NEXT.toISOString(), replaced: [expect.objectContaining({ taskArn: old!.arn })] });
  });

  it('Replace starts nothing while the old run cannot be stopped, and reports why at the deadline', async () => {
    const { name, rule } = cluster(2, { schedule: EVERY_5, overlapPolicy: 'Replace', startingDeadlineSeconds: 20 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    const [old] = copies(name, rule, SLOT);
    emulator.calls.reset();

    clock = at(NEXT, 1);
    const ctxNext = context([rule]);
    ctxNext.ecs = schedulerClient(emulator, 1);
    const next = pipeline(ctxNext).events;
    const remove = emulator.failCalls({ operation: 'StopTask', when: (input: { task?: string }) => input.task === old!.arn });
    try {
      next.send(slotMessage(rule, NEXT), rule.name);
      await quiesce(next);
    } finally {
      remove();
    }

    // Two runs must never overlap: the old one still runs, the new one never started.
    expect(running(name, rule).map((t) => t.arn)).toEqual([old!.arn]);
    expect(copies(name, rule, NEXT)).toHaveLength(0);
    expect(emulator.calls.count('StartTask')).toBe(0);
    const [failure] = ofType(ctxNext.publisher.events, 'Cron Slot Failed');
    expect(failure).toMatchObject({ slot: NEXT.toISOString(), missing: 1, placements: [], replaced: [] });
    expect(failure!.reasons).toEqual(expect.arrayContaining([expect.stringContaining(`StopTask of ${old!.arn}`), expect.stringContaining('REPLACE_STOP_FAILED')]));
    expect(next.queue.deadLetters).toEqual([]);
  });

  it('Replace on a full instance: the new run starts once the old one has reached STOPPED and freed its room', async () => {
    const { name, rule } = cluster(1, { schedule: EVERY_5, overlapPolicy: 'Replace' }, { cpu: 512, memory: 1024 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    const release = emulator.admin.holdTransitions();
    clock = at(NEXT, 1);
    // The old run's stop completes only during the first wait.
    const ctxNext = context([rule], { onSleep: async (n) => (n === 1 ? (release(), await emulator.admin.settle()) : undefined) });
    const next = pipeline(ctxNext).events;
    try {
      next.send(slotMessage(rule, NEXT), rule.name);
      await quiesce(next);
    } finally {
      release();
    }

    expect(running(name, rule).map((t) => t.startedBy)).toEqual([cronSlotKey(rule, NEXT)]);
    expect(ctxNext.sleeps).toEqual([STOP_POLL_MS]);
    expect(ofType(ctxNext.publisher.events, 'Cron Run Started')).toEqual([expect.objectContaining({ attempts: 2, replaced: [expect.anything()] })]);
  });

  it('Allow runs the new slot alongside the last run', async () => {
    const { name, rule } = cluster(2, { schedule: EVERY_5, overlapPolicy: 'Allow' });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    clock = at(NEXT, 1);
    events.send(slotMessage(rule, NEXT), rule.name);
    await quiesce(events);

    expect(running(name, rule).map((t) => t.startedBy).sort()).toEqual([cronSlotKey(rule, SLOT), cronSlotKey(rule, NEXT)].sort());
  });
});

describe('cron handler: time limits', () => {
  it('skips a slot delivered after its starting deadline, and says so', async () => {
    const { name, rule } = cluster(1, { startingDeadlineSeconds: 120 });
    clock = at(SLOT, 121);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    expect(copies(name, rule, SLOT)).toHaveLength(0);
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped')).toEqual([expect.objectContaining({ reason: 'too-late', detail: expect.stringContaining('starting deadline') })]);
    expect(ctx.logger.records).toContainEqual(expect.objectContaining({ level: 'warn', message: 'cron slot skipped' }));
    expect(events.queue.deadLetters).toEqual([]);
  });

  it('the overdue pass stops runs past maxRunSeconds with the reason, and leaves younger ones', async () => {
    const { name, rule } = cluster(2, { schedule: 'cron(*/5 * * * ? *)', overlapPolicy: 'Allow', maxRunSeconds: 600 });
    const later = new Date(at(SLOT, 300));
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    clock = at(SLOT, 1);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    clock = at(later, 1);
    events.send(slotMessage(rule, later), rule.name);
    await quiesce(events);

    clock = at(SLOT, 700);
    events.send(overdue(rule), rule.name);
    await quiesce(events);

    const [old] = copies(name, rule, SLOT);
    expect(emulator.admin.describeTask(old!.arn)).toMatchObject({ lastStatus: 'STOPPED', stoppedReason: expect.stringContaining('maxRunSeconds 600') });
    expect(copies(name, rule, later)[0]!.lastStatus).toBe('RUNNING');
    expect(ofType(ctx.publisher.events, 'Cron Run Stopped')).toEqual([
      expect.objectContaining({ rule: rule.name, maxRunSeconds: 600, taskArn: old!.arn, slot: SLOT.toISOString(), runningSeconds: 699 }),
    ]);
    expect(ctx.metrics.last('OverdueStopped')).toBe(1);
  });

  it('a run started before the rule tag (an upgrade) cannot be stopped past maxRunSeconds: the pass logs the refusal and the fix', async () => {
    const { name, instances, rule } = cluster(1, { maxRunSeconds: 600 });
    // What an earlier version started, at the slot: the slot's startedBy, no rule tag.
    clock = at(SLOT, 1);
    await schedulerClient(emulator).send(new StartTaskCommand({ cluster: name, taskDefinition: rule.taskDefinition, containerInstances: instances, startedBy: cronSlotKey(rule, SLOT) }));
    await emulator.admin.settle();
    const ctx = context([rule]);
    stopOnlyTasksTagged(ctx.ecs, emulator, name, `cron/${rule.name}`);
    const { events } = pipeline(ctx);
    clock = at(SLOT, 700);
    events.send(overdue(rule), rule.name);
    await quiesce(events);

    expect(copies(name, rule, SLOT).map((task) => task.lastStatus)).toEqual(['RUNNING']);
    expect(ctx.logger.records).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'cron overdue pass could not stop every overdue run; the next pass tries again',
        fields: expect.objectContaining({ failed: [expect.objectContaining({ action: 'stop', reason: 'AccessDeniedException', detail: expect.stringContaining('tagged ecs-schedulers:rule') })] }),
      }),
    );
    expect(events.queue.deadLetters).toEqual([]);
  });

  it('an overdue message for a rule without maxRunSeconds reads nothing and succeeds', async () => {
    const { rule } = cluster(1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(overdue(rule), rule.name);
    await quiesce(events);
    expect(emulator.calls.total()).toBe(0);
    expect(events.stats.failedBatches).toBe(0);
  });
});

describe('cron handler: capacity retry', () => {
  it('retries a full cluster with backoff until capacity frees, then starts', async () => {
    const { name, instances, rule } = cluster(1);
    const outside = emulator.admin.occupy(instances[0]!, { cpu: 1024, memory: 2048 });
    clock = at(SLOT, 1);
    const ctx = context([rule], {
      onSleep: async (n) => {
        if (n === 2) {
          emulator.admin.stopTask(outside);
          await emulator.admin.settle();
        }
      },
    });
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    expect(ctx.sleeps).toEqual([5_000, 10_000]);
    expect(copies(name, rule, SLOT)).toHaveLength(1);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toEqual([expect.objectContaining({ attempts: 3, startedNow: 1 })]);
    expect(ctx.logger.records.filter((r) => r.message === 'cron slot waits for capacity')).toHaveLength(2);
  });

  it('gives up at the starting deadline with a failure that says why, never a retry past it', async () => {
    const { name, instances, rule } = cluster(2, { count: 2 });
    emulator.admin.occupy(instances[0]!, { cpu: 1024, memory: 2048 });
    emulator.admin.occupy(instances[1]!, { cpu: 1024, memory: 512 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    // 5, 10, 20, 40, 60, 60, 60, then the 44 s left to the default 300 s deadline; one last try at the deadline.
    expect(ctx.sleeps).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 44_000]);
    expect(clock).toBe(at(SLOT, 300));
    expect(copies(name, rule, SLOT)).toHaveLength(0);
    const [failure] = ofType(ctx.publisher.events, 'Cron Slot Failed');
    expect(failure).toMatchObject({ slot: SLOT.toISOString(), missing: 2, attempts: 9, rejections: { 'RESOURCE:CPU': 2 }, deadline: new Date(at(SLOT, 300)).toISOString() });
    expect(failure!.reasons).toEqual([expect.stringContaining('2 copies fit on no instance (RESOURCE:CPU on 2)'), expect.stringContaining('starting deadline')]);
    expect(ctx.metrics.last('SlotsFailed')).toBe(1);
    expect(ctx.logger.records).toContainEqual(expect.objectContaining({ level: 'error', message: 'cron run failed' }));
    // A failed run is an outcome, reported; the message itself succeeded.
    expect(events.queue.deadLetters).toEqual([]);
  });

  it('starts what fits at once and retries only the missing copies', async () => {
    const { name, instances, rule } = cluster(2, { count: 2 });
    const outside = emulator.admin.occupy(instances[0]!, { cpu: 1024, memory: 2048 });
    emulator.admin.occupy(instances[1]!, { cpu: 512, memory: 1024 });
    clock = at(SLOT, 1);
    const ctx = context([rule], {
      onSleep: async (n) => {
        if (n === 1) {
          emulator.admin.stopTask(outside);
          await emulator.admin.settle();
        }
      },
    });
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    expect(copies(name, rule, SLOT)).toHaveLength(2);
    expect(emulator.calls.count('StartTask')).toBe(2);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toEqual([expect.objectContaining({ startedNow: 2, attempts: 2 })]);
  });

  it('stops retrying when the function would time out before the next try, and reports it', async () => {
    // A deadline the 60 s budget cannot wait out, but too near to go back to the queue for a whole invocation.
    const { instances, rule } = cluster(1, { startingDeadlineSeconds: 90 });
    emulator.admin.occupy(instances[0]!, { cpu: 1024, memory: 2048 });
    clock = at(SLOT, 1);
    const ctx = context([rule], { budgetMs: 60_000 });
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    // 60 s budget, 30 s kept in reserve: 5 + 10 s of waiting, and the next 20 s wait would not fit.
    expect(ctx.sleeps).toEqual([5_000, 10_000]);
    const [failure] = ofType(ctx.publisher.events, 'Cron Slot Failed');
    expect(failure!.reasons).toContainEqual(expect.stringContaining('45 s left'));
  });

  it('with retryOnCapacity false, a full cluster is skipped at once', async () => {
    const { instances, rule } = cluster(1, { retryOnCapacity: false });
    emulator.admin.occupy(instances[0]!, { cpu: 1024, memory: 2048 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);
    expect(ctx.sleeps).toEqual([]);
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped')).toEqual([expect.objectContaining({ reason: 'no-capacity' })]);
  });
});

describe('cron handler: errors after copies started', () => {
  it('a reload that fails during a capacity retry ends the slot failed, listing the copy that started, and reported', async () => {
    // Room for one copy of two.
    const { name, clusterArn, rule } = cluster(1, { count: 2 }, { cpu: 256, memory: 600 });
    clock = at(SLOT, 1);
    let remove = () => undefined as void;
    // One copy starts; the cluster cannot be read when the handler comes back for the other.
    const ctx = context([rule], {
      onSleep: () =>
        void (remove = emulator.failCalls({ operation: 'ListContainerInstances', when: (input: { cluster?: string }) => [name, clusterArn].includes(input.cluster ?? ''), error: DENIED })),
    });
    ctx.ecs = schedulerClient(emulator, 1);
    const { events } = pipeline(ctx);
    try {
      events.send(slotMessage(rule, SLOT), rule.name);
      await quiesce(events);
    } finally {
      remove();
    }

    const [copy] = copies(name, rule, SLOT);
    expect(copies(name, rule, SLOT)).toHaveLength(1);
    // The outcome, not a retry of the message: the copy that started is in it.
    expect(events.queue.deadLetters).toEqual([]);
    expect(events.stats.failedMessages).toBe(0);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toEqual([expect.objectContaining({ startedNow: 1, placements: [expect.objectContaining({ taskArn: copy!.arn })] })]);
    const [failure] = ofType(ctx.publisher.events, 'Cron Slot Failed');
    expect(failure).toMatchObject({ missing: 1, attempts: 2, placements: [expect.objectContaining({ taskArn: copy!.arn })] });
    expect(failure!.reasons).toContainEqual(expect.stringMatching(/after 1 copy of the slot started/));
    expect(ctx.metrics.last('SlotsFailed')).toBe(1);
    expect(ctx.metrics.last('CopiesStarted')).toBe(1);
  });

  it('a slot whose report failed after its copy started is, redelivered past its deadline, complete: not too late', async () => {
    const { name, rule } = cluster(1, { startingDeadlineSeconds: 60 });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    ctx.publisher = new RefusingPublisher('Cron Run Started', 1);
    const message = { messageId: 'slot', body: slotMessage(rule, SLOT) };
    expect(await handleCronBatch([message], ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'slot' }] });
    expect(copies(name, rule, SLOT)).toHaveLength(1);

    // SQS brings it back after the visibility timeout, past the 60 s deadline.
    clock = at(SLOT, 400);
    expect(await handleCronBatch([message], ctx)).toEqual({ batchItemFailures: [] });
    expect(copies(name, rule, SLOT)).toHaveLength(1);
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped')).toEqual([
      expect.objectContaining({ reason: 'slot-complete', copies: [expect.objectContaining({ taskArn: copies(name, rule, SLOT)[0]!.arn })] }),
    ]);
  });
});

describe('cron handler: suspend and run-now', () => {
  it('a suspended rule skips its slots and its manual runs, and reports each', async () => {
    const { name, rule } = cluster(1, { suspend: true });
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    events.send(runNow(rule, new Date(clock)), rule.name);
    await quiesce(events);
    expect(running(name, rule)).toEqual([]);
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped').map((s) => [s.trigger, s.reason])).toEqual([
      ['schedule', 'suspended'],
      ['manual', 'suspended'],
    ]);
  });

  it('run-now starts a manual run keyed by requestedAt, once, and honors Forbid', async () => {
    const { name, rule } = cluster(2);
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    // Forbid: the scheduled run still goes, so the manual run is skipped.
    const requested = new Date(at(SLOT, 60));
    clock = at(SLOT, 61);
    events.send(runNow(rule, requested), rule.name);
    await quiesce(events);
    expect(copies(name, rule, requested)).toHaveLength(0);
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped').at(-1)).toMatchObject({ trigger: 'manual', reason: 'overlap-forbidden' });

    // Once that run is over, it starts; the same request again (a CLI retry) starts nothing more.
    for (const task of running(name, rule)) emulator.admin.stopTask(task.arn);
    await emulator.admin.settle();
    const again = new Date(at(SLOT, 3 * 3600 + 0.5));
    clock = at(SLOT, 3 * 3600 + 2);
    events.send(runNow(rule, again), rule.name);
    events.send(runNow(rule, again), rule.name);
    await quiesce(events);

    // Whole seconds: the key and SCHEDULED_TIME name the same instant. No starting deadline applies (3 h late).
    const manual = new Date(at(SLOT, 3 * 3600));
    expect(copies(name, rule, manual)).toHaveLength(1);
    expect(copies(name, rule, manual)[0]!.overrides.containerOverrides?.[0]?.environment).toContainEqual({ name: SCHEDULED_TIME_VARIABLE, value: manual.toISOString() });
    expect(ofType(ctx.publisher.events, 'Cron Run Started').at(-1)).toMatchObject({ trigger: 'manual', slot: manual.toISOString() });
    expect(ofType(ctx.publisher.events, 'Cron Slot Skipped').at(-1)).toMatchObject({ trigger: 'manual', reason: 'slot-complete' });
  });

  it("run-now on a full cluster retries for the rule's starting deadline from the request, not the Scheduler's window", async () => {
    const { instances, rule } = cluster(1, { flexibleWindowMinutes: 15, startingDeadlineSeconds: 60 });
    emulator.admin.occupy(instances[0]!, { cpu: 1024, memory: 2048 });
    const requested = new Date(at(SLOT, 7200));
    clock = requested.getTime();
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    events.send(runNow(rule, requested), rule.name);
    await quiesce(events);
    expect(ctx.sleeps).toEqual([5_000, 10_000, 20_000, 25_000]);
    expect(ofType(ctx.publisher.events, 'Cron Slot Failed')).toEqual([expect.objectContaining({ trigger: 'manual', deadline: new Date(at(requested, 60)).toISOString() })]);
  });

  it('run-now without requestedAt is rejected, never run: each redelivery would be a new slot, so another run', async () => {
    const { name, rule } = cluster(1);
    clock = at(SLOT, 4000);
    const ctx = context([rule]);
    const { events } = pipeline(ctx);
    const body = JSON.stringify({ kind: 'run-now', rule: rule.name });
    events.send(body, rule.name);
    await quiesce(events);
    expect(running(name, rule)).toEqual([]);
    expect(ofType(ctx.publisher.events, 'Cron Message Rejected')).toEqual([
      expect.objectContaining({ rule: rule.name, body, problem: expect.stringMatching(/not a cron message.*requestedAt/) }),
    ]);
    expect(events.queue.deadLetters).toEqual([]);
  });
});

describe('cron handler: bad payloads', () => {
  it('rejects each bad message once, loudly (error log with the body, event, metric), deletes it, and runs the good one right behind them', async () => {
    const { name, rule } = cluster(1);
    clock = at(SLOT, 1);
    const start = clock;
    const ctx = context([rule]);
    const { events } = pipeline(ctx, { batchSize: 1 });
    const bad = {
      'not JSON': '{"kind": "slot",',
      'unknown kind': JSON.stringify({ kind: 'sweep', rule: rule.name }),
      'extra field': JSON.stringify({ kind: 'slot', rule: rule.name, slot: SLOT.toISOString(), count: 5 }),
      'unknown rule': JSON.stringify({ kind: 'slot', rule: 'nobody', slot: SLOT.toISOString() }),
      'bad time': JSON.stringify({ kind: 'slot', rule: rule.name, slot: '2026-03-01 02:00' }),
      'off the schedule': JSON.stringify({ kind: 'slot', rule: rule.name, slot: '2026-03-01T02:00:30Z' }),
      'in the future': JSON.stringify({ kind: 'run-now', rule: rule.name, requestedAt: '2026-03-02T02:00:00Z' }),
      'run-now without requestedAt': JSON.stringify({ kind: 'run-now', rule: rule.name }),
    };
    for (const body of Object.values(bad)) events.send(body, rule.name);
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    // Each bad message was received once and deleted: nothing waits out a visibility timeout, nothing
    // goes to the dead-letter queue, and the slot behind them runs at once, on time.
    const total = Object.keys(bad).length;
    expect(events.stats).toMatchObject({ batches: total + 1, failedBatches: 0, failedMessages: 0 });
    expect(events.queue.deadLetters).toEqual([]);
    expect(clock).toBe(start);
    expect(copies(name, rule, SLOT)).toHaveLength(1);
    expect(ofType(ctx.publisher.events, 'Cron Run Started')).toEqual([expect.objectContaining({ slot: SLOT.toISOString(), attempts: 1 })]);

    // Nothing is lost: each body is in its event and, whole, in its error log line.
    const rejected = ofType(ctx.publisher.events, 'Cron Message Rejected');
    expect(rejected.map((r) => r.body)).toEqual(Object.values(bad));
    const logged = ctx.logger.records.filter((r) => r.level === 'error' && r.message.startsWith('rejected a cron message'));
    expect(logged.map((r) => r.fields.body)).toEqual(Object.values(bad));
    expect(logged.map((r) => r.fields.problem)).toEqual(rejected.map((r) => r.problem));
    expect(new Set(logged.map((r) => r.fields.messageId)).size).toBe(total);
    // The function serves one rule, so its queue is that rule's: every rejection is the rule's.
    expect(rejected.every((r) => r.rule === rule.name)).toBe(true);
    const problems = new Map(rejected.map((r) => [r.body, String(r.problem)]));
    expect(problems.get(bad['not JSON'])).toMatch(/^not JSON/);
    expect(problems.get(bad['unknown kind'])).toMatch(/not a cron message.*kind/);
    expect(problems.get(bad['extra field'])).toMatch(/not a cron message.*count/);
    expect(problems.get(bad['unknown rule'])).toBe(`unknown rule "nobody": this function serves ${rule.name}`);
    expect(problems.get(bad['bad time'])).toMatch(/not a cron message.*slot/);
    expect(problems.get(bad['off the schedule'])).toMatch(/not a fire time of rule/);
    expect(problems.get(bad['in the future'])).toMatch(/more than 5 minutes ahead/);
    expect(problems.get(bad['run-now without requestedAt'])).toMatch(/not a cron message.*requestedAt/);

    const metrics = ctx.metrics.published.filter((doc) => 'MessagesRejected' in doc);
    expect(metrics).toHaveLength(total);
    for (const doc of metrics) expect(doc).toMatchObject({ Rule: rule.name, Kind: 'cron', MessagesRejected: 1 });
  });

  it('a function serving several rules counts a message naming none of them under Rule=unknown', async () => {
    const a = cluster(1);
    const b = cluster(1);
    const ctx = context([a.rule, b.rule]);
    const body = JSON.stringify({ kind: 'overdue', rule: 'nobody' });
    expect(await handleCronBatch([{ messageId: 'stray', body }], ctx)).toEqual({ batchItemFailures: [] });
    expect(ofType(ctx.publisher.events, 'Cron Message Rejected')).toEqual([{ messageId: 'stray', problem: expect.stringContaining('unknown rule "nobody"'), body }]);
    expect(ctx.metrics.published.at(-1)).toMatchObject({ Rule: 'unknown', Kind: 'cron', MessagesRejected: 1 });
  });

  it('a rejection whose event cannot be published fails the message, so it comes back; its body is logged all the same', async () => {
    const { rule } = cluster(1);
    const ctx = context([rule]);
    ctx.publisher = new RefusingPublisher('Cron Message Rejected');
    expect(await handleCronBatch([{ messageId: 'bad', body: 'nonsense' }], ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(ctx.logger.records).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(/^rejected a cron message/), fields: expect.objectContaining({ body: 'nonsense' }) }));
    expect(ctx.logger.records).toContainEqual(expect.objectContaining({ level: 'error', message: expect.stringMatching(/^could not report a rejected cron message/) }));
  });

  it('a body too large for an event is cut in the event, and whole in the log', async () => {
    const { rule } = cluster(1);
    const ctx = context([rule]);
    const body = `{"kind":"slot","padding":"${'x'.repeat(300_000)}"}`;
    expect(await handleCronBatch([{ messageId: 'huge', body }], ctx)).toEqual({ batchItemFailures: [] });
    const [event] = ofType(ctx.publisher.events, 'Cron Message Rejected');
    expect(event).toMatchObject({ bodyTruncated: true, bodyBytes: body.length });
    expect(String(event!.body)).toBe(body.slice(0, String(event!.body).length));
    expect(Buffer.byteLength(JSON.stringify(event), 'utf8')).toBeLessThan(256 * 1024);
    expect(ctx.logger.records.find((r) => r.message.startsWith('rejected a cron message'))!.fields.body).toBe(body);
  });

  it('a failed message fails the rest of its batch, in order; earlier ones, and rejected ones, succeed', async () => {
    const a = cluster(1);
    clock = at(SLOT, 1);
    const ctx = context([a.rule]);
    // The second delivery of the slot is a skip whose report cannot be published: that may pass, so it fails.
    ctx.publisher = new RefusingPublisher('Cron Slot Skipped');
    const batch = [
      { messageId: 'good', body: slotMessage(a.rule, SLOT) },
      { messageId: 'bad', body: 'nonsense' },
      { messageId: 'failing', body: slotMessage(a.rule, SLOT) },
      { messageId: 'later', body: runNow(a.rule, new Date(clock)) },
    ];
    expect(await handleCronBatch(batch, ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'failing' }, { itemIdentifier: 'later' }] });
    expect(copies(a.name, a.rule, SLOT)).toHaveLength(1);
    expect(ofType(ctx.publisher.events, 'Cron Message Rejected')).toEqual([expect.objectContaining({ messageId: 'bad' })]);
    expect(ctx.logger.records).toContainEqual(expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ messageIds: ['later'] }) }));
  });

  it('a load that fails on ECS errors (5xx) is made again within the function\'s time, and the slot starts', async () => {
    const { name, rule } = cluster(1);
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    ctx.ecs = schedulerClient(emulator, 1);
    const { events } = pipeline(ctx);
    emulator.failCalls({ operation: 'ListContainerInstances', times: 3, status: 503 });
    events.send(slotMessage(rule, SLOT), rule.name);
    await quiesce(events);

    expect(events.stats.failedMessages).toBe(0);
    expect(copies(name, rule, SLOT)).toHaveLength(1);
    expect(ctx.sleeps).toEqual([1_000, 2_000, 4_000]);
  });

  it('a snapshot that cannot be loaded fails the message into the dead-letter queue, never a silent success', async () => {
    const { rule } = cluster(1);
    clock = at(SLOT, 1);
    const ctx = context([rule]);
    ctx.ecs = schedulerClient(emulator, 1);
    const { events } = pipeline(ctx);
    const remove = emulator.failCalls({ operation: 'ListContainerInstances', error: DENIED });
    try {
      events.send(slotMessage(rule, SLOT), rule.name);
      await quiesce(events);
    } finally {
      remove();
    }
    expect(events.queue.deadLetters.map((m) => m.body)).toEqual([slotMessage(rule, SLOT)]);
    expect(ctx.logger.records.filter((r) => r.message.startsWith('cron message failed'))).toHaveLength(3);
  });

  it('a message is left for a later invocation when the function has too little time left', async () => {
    const { name, rule } = cluster(1);
    clock = at(SLOT, 1);
    const ctx = context([rule], { budgetMs: 20_000 });
    expect(await handleCronBatch([{ messageId: 'late', body: slotMessage(rule, SLOT) }], ctx)).toEqual({ batchItemFailures: [{ itemIdentifier: 'late' }] });
    expect(copies(name, rule, SLOT)).toHaveLength(0);
  });
});

import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { startLocalLedger, type LocalLedger } from '../../local/ledger.js';
import { EventPipeline } from '../../local/pipeline/event-pipeline.js';
import { handleCronBatch, handleCronMessage, type CronContext } from '../../shared/handlers/cron/handle.js';
import { MemoryPublisher } from '../../shared/report/publisher.js';
import { cronSlotKey, type CronRule } from '../../shared/rules/cron/index.js';
import { ReadPacer } from '../../shared/state/read-pacer.js';
import { SharedScans } from '../../shared/state/shared-scan.js';
import { schedulerClient } from '../support/emulator.js';
import { CapturingMetrics } from '../support/telemetry.js';

/**
 * The cron handler as a cluster's runner runs it: one function for all the cluster's rules, a
 * batch holding several rules' message groups, one SharedScans per warm instance. The real SDK
 * against the emulator, the ledger on dynalite; API calls counted by the emulator.
 */

let clock = Date.parse('2026-03-01T02:00:01Z');
let emulator: Emulator;
let ledger: LocalLedger;
beforeAll(async () => {
  emulator = await startEmulator({ randomSeed: 31, clock: () => clock });
  ledger = await startLocalLedger({ now: () => new Date(clock) });
});
afterAll(async () => {
  await emulator.close();
  await ledger.close();
});
afterEach(() => emulator.calls.reset());

const SLOT = new Date('2026-03-01T02:00:00Z');

let clusters = 0;
/**
 * A cluster of `instances` instances (1024 CPU, 2048 MiB: three copies of a job fit on one, by
 * memory) and `rules` rules on it, each with a family of its own, all firing at 02:00.
 */
function cluster(instances: number, rules: number, fields: Partial<CronRule> = {}) {
  clusters += 1;
  const name = `runner-${clusters}`;
  emulator.admin.createCluster(name);
  const arns = Array.from({ length: instances }, () => emulator.admin.registerInstance({ cluster: name, cpu: 1024, memory: 2048 }));
  const crons = Array.from({ length: rules }, (_, i): CronRule => {
    const family = `${name}-job-${i}`;
    emulator.admin.registerTaskDefinition({ family, containerDefinitions: [{ name: 'main', image: 'job', cpu: 256, memory: 576 }] });
    return { name: `${name}-rule-${i}`, cluster: name, taskDefinition: family, schedule: 'cron(0 2 * * ? *)', ...fields };
  });
  return { name, arns, rules: crons };
}

/** One warm instance of the runner's function; `onSleep` runs in each wait, after the clock moved. */
function runner(rules: readonly CronRule[], onSleep?: () => void): CronContext & { publisher: MemoryPublisher } {
  return {
    rules: new Map(rules.map((rule) => [rule.name, rule])),
    ecs: schedulerClient(emulator),
    ledger: ledger.ledger,
    instanceScans: new SharedScans(),
    publisher: new MemoryPublisher(),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: new CapturingMetrics(),
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
      onSleep?.();
      await emulator.admin.settle();
    },
    remainingTimeMs: () => 900_000,
    readPacer: new ReadPacer({ burst: 1_000_000, perSecond: 1_000_000, concurrency: 100 }),
  };
}

/** Whether `done` comes true while other work goes on; false if it has not after a few seconds. */
async function eventually(done: () => boolean): Promise<boolean> {
  for (let tries = 0; tries < 250 && !done(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  return done();
}

let messages = 0;
/** A message as the rule's schedule sends it, in the rule's message group. */
function slot(rule: CronRule, at = SLOT) {
  messages += 1;
  return { messageId: `m-${messages}`, groupId: rule.name, body: JSON.stringify({ kind: 'slot', rule: rule.name, slot: at.toISOString() }) };
}

const copies = (name: string, rule: CronRule) => emulator.admin.listTasks(name, { startedBy: cronSlotKey(rule, SLOT) });
const conflicts = (context: { publisher: MemoryPublisher }) =>
  context.publisher.events.reduce((sum, event) => sum + ((event.detail as { conflicts?: number }).conflicts ?? 0), 0);

describe('cron runner: the rules of one cluster in one function', () => {
  it('after a failure in a group, its later STOPPED events and passes are still handled; only its later slots wait behind it', async () => {
    const { name, rules } = cluster(1, 1, { schedule: 'cron(* * * * ? *)', overlapPolicy: 'Allow' });
    const rule = rules[0]!;
    await handleCronBatch([slot(rule)], runner([rule]));
    const [copy] = copies(name, rule);
    const events: unknown[] = [];
    const unsubscribe = emulator.onEvent((event) => events.push(event));
    emulator.admin.stopTask(copy!.arn, 'Essential container in task exited', 0);
    await emulator.admin.settle();
    unsubscribe();
    const stoppedEvent = events.find((event) => (event as { detail: { lastStatus?: string } }).detail.lastStatus === 'STOPPED');

    // Then the rule's task definition is gone: its next slots fail, and would come back.
    const broken: CronRule = { ...rule, taskDefinition: `${name}-never-registered` };
    const context = runner([broken]);
    const failing = slot(broken, new Date(SLOT.getTime() + 60_000));
    const runEnd = { messageId: 'stopped-1', groupId: rule.name, body: JSON.stringify(stoppedEvent) };
    const pass = { messageId: 'retries-1', groupId: rule.name, body: JSON.stringify({ kind: 'retries', rule: rule.name }) };
    const laterSlot = slot(broken, new Date(SLOT.getTime() + 120_000));
    const answer = await handleCronBatch([failing, runEnd, pass, laterSlot], context);

    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }, { itemIdentifier: laterSlot.messageId }]);
    // The run's end was recorded and reported, behind the failing slot.
    expect(context.publisher.events.map((event) => event.detailType)).toContain('Cron Run Succeeded');
  });

  it('a slot that begins with too little function time for its capacity retries goes back for an invocation of its own, unless its deadline is too near', async () => {
    const { name, rules } = cluster(2, 3, { schedule: 'cron(* * * * ? *)', overlapPolicy: 'Allow', startingDeadlineSeconds: 300 });
    const [ahead, near, past] = rules as [CronRule, CronRule, CronRule];
    // Two minutes left: the 02:00 slot has almost five minutes of deadline ahead of it.
    const context = { ...runner(rules), remainingTimeMs: () => 120_000 };
    const nearSlot = { ...near, startingDeadlineSeconds: 90 };
    const aheadSlot = slot(ahead);
    const pastSlot = slot(past, new Date(SLOT.getTime() - 600_000));
    const answer = await handleCronBatch([aheadSlot, slot(nearSlot), pastSlot], { ...context, rules: new Map([ahead, nearSlot, past].map((rule) => [rule.name, rule])) });

    // Back to the queue: it comes back within its deadline, with a whole invocation.
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: aheadSlot.messageId }]);
    expect(copies(name, ahead)).toHaveLength(0);
    // Its deadline would pass before it came back: it runs now.
    expect(copies(name, nearSlot)).toHaveLength(1);
    // Past its deadline: handled now, skipped as too late.
    expect(context.publisher.events.filter((event) => event.detailType === 'Cron Slot Skipped').map((event) => (event.detail as { rule: string }).rule)).toEqual([past.name]);
  });

  it('N rules firing in the same minute share one instance scan; each reads only its own tasks', async () => {
    const { name, rules } = cluster(3, 5);
    const context = runner(rules);
    const answer = await handleCronBatch(rules.map((rule) => slot(rule)), context);

    expect(answer.batchItemFailures).toEqual([]);
    for (const rule of rules) expect(copies(name, rule)).toHaveLength(1);
    // One scan: a cluster under 100 instances is one page of each.
    expect(emulator.calls.count('ListContainerInstances')).toBe(1);
    expect(emulator.calls.count('DescribeContainerInstances')).toBe(1);
    // Each rule's own tasks, fresh: one ListTasks (a slot claimed just now has no STOPPED copies to look for).
    expect(emulator.calls.count('ListTasks')).toBe(rules.length);
  });

  it('counts each slot\'s own ECS requests, though the slots of a batch share one client at once', async () => {
    const { rules } = cluster(3, 5);
    const context = runner(rules);
    const outcomes = await Promise.all(rules.map((rule) => handleCronMessage(slot(rule), context)));

    const perSlot = outcomes.map((outcome) => (outcome.kind === 'slot' ? outcome.outcome.apiCalls : 0));
    // Each: its task definition, its tasks, its start; and one of them the cluster's scan besides.
    expect(perSlot.filter((calls) => calls === 3)).toHaveLength(rules.length - 1);
    expect(perSlot.reduce((sum, calls) => sum + calls, 0)).toBe(emulator.calls.total());
  });

  it('without a shared scan, each slot scans the cluster itself', async () => {
    const { rules } = cluster(3, 3);
    const { instanceScans: _, ...alone } = runner(rules);
    await handleCronBatch(rules.map((rule) => slot(rule)), alone);

    expect(emulator.calls.count('ListContainerInstances')).toBe(rules.length);
  });

  it('one rule\'s failing message holds up only its own group: another rule\'s slot in the batch starts', async () => {
    const { name, rules } = cluster(2, 2);
    // A task definition ECS does not know: every try fails, and SQS would bring the message back.
    const broken: CronRule = { ...rules[0]!, taskDefinition: `${name}-never-registered` };
    const context = runner([broken, rules[1]!]);
    const failing = slot(broken);
    const behindIt = slot(broken, new Date(SLOT.getTime() + 60_000));
    const other = slot(rules[1]!);
    const answer = await handleCronBatch([failing, behindIt, other], context);

    // The failing message and the later one of its group come back; the other rule's is done.
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: failing.messageId }, { itemIdentifier: behindIt.messageId }]);
    expect(copies(name, rules[1]!)).toHaveLength(1);
  });

  it('slots of one batch competing for one instance never over-commit it: each places against the earlier ones\' reservations', async () => {
    // Room for three copies; four rules want one each.
    const { name, rules, arns } = cluster(1, 4, { retryOnCapacity: false });
    const context = runner(rules);
    const answer = await handleCronBatch(rules.map((rule) => slot(rule)), context);

    expect(answer.batchItemFailures).toEqual([]);
    expect(rules.map((rule) => copies(name, rule).length).sort()).toEqual([0, 1, 1, 1]);
    // No start was refused: the fourth saw the instance full, from the same scan.
    expect(emulator.calls.count('StartTask')).toBe(3);
    expect(conflicts(context)).toBe(0);
    expect(emulator.calls.count('ListContainerInstances')).toBe(1);
    expect(emulator.admin.describeInstance(arns[0]!).remaining.memory).toBe(2048 - 3 * 576);
  });

  it('a refusal refreshes the refused instance: the next decision sees it as it is, without a new scan', async () => {
    const { name, rules, arns } = cluster(1, 3, { retryOnCapacity: false, startingDeadlineSeconds: 30 });
    const context = runner(rules);
    await handleCronBatch([slot(rules[0]!)], context);
    expect(copies(name, rules[0]!)).toHaveLength(1);
    // Another scheduler takes what was left, after this function scanned.
    emulator.admin.occupy(arns[0]!, { cpu: 1024 - 256, memory: 2048 - 576 });

    await handleCronBatch([slot(rules[1]!)], context);
    // Placed from the function's scan, which still showed room: ECS refused it.
    const failed = context.publisher.events.filter((event) => event.detailType === 'Cron Slot Failed').map((event) => event.detail as { failures: Array<{ reason: string }> });
    expect(failed.flatMap((detail) => detail.failures.map((failure) => failure.reason))).toEqual(['RESOURCE:CPU']);
    expect(copies(name, rules[1]!)).toHaveLength(0);
    // The refused instance was re-read at once (one DescribeContainerInstances beside the scan's).
    expect(emulator.calls.count('DescribeContainerInstances')).toBe(2);
    const startsSoFar = emulator.calls.count('StartTask');

    await handleCronBatch([slot(rules[2]!)], context);
    // The function's view now shows the instance full: nothing is tried, and no new scan was needed.
    expect(emulator.calls.count('StartTask')).toBe(startsSoFar);
    expect(emulator.calls.count('ListContainerInstances')).toBe(1);
  });

  it('a slot waiting for capacity looks at a new scan on its next attempt, and so sees the capacity freed meanwhile', async () => {
    const { name, rules, arns } = cluster(1, 1, { startingDeadlineSeconds: 60 });
    const outside = emulator.admin.occupy(arns[0]!, { cpu: 1024, memory: 2048 });
    const start = clock;
    const context = runner(rules, () => emulator.admin.stopTask(outside, 'done', 0));
    await handleCronBatch([slot(rules[0]!)], context);
    clock = start;

    expect(copies(name, rules[0]!)).toHaveLength(1);
    // The second attempt, the first after the capacity was freed, started it from a scan of its own.
    const started = context.publisher.events.filter((event) => event.detailType === 'Cron Run Started').map((event) => (event.detail as { attempts: number }).attempts);
    expect(started).toEqual([2]);
    expect(emulator.calls.count('ListContainerInstances')).toBe(2);
  });

  it('a capacity retry never looks at the scan its last attempt used, even one another rule made after the attempt began', async () => {
    const { name, rules, arns } = cluster(1, 2, { startingDeadlineSeconds: 60 });
    const [waiting, other] = [rules[0]!, { ...rules[1]!, retryOnCapacity: false }];
    const outside = emulator.admin.occupy(arns[0]!, { cpu: 1024, memory: 2048 });
    const start = clock;
    const context = runner([waiting, other], () => emulator.admin.stopTask(outside, 'done', 0));
    // The order of a busy minute: the waiting rule's attempt begins, then the other rule's (a
    // second later); the other reaches the cluster's turn first and scans, and the waiting one
    // is served that scan, made after its attempt began.
    let waitingReads!: () => void;
    const waitingRead = new Promise<void>((resolve) => (waitingReads = resolve));
    let otherScanned!: () => void;
    const otherScan = new Promise<void>((resolve) => (otherScanned = resolve));
    let held = false;
    context.ecs.middlewareStack.add(
      (next, { commandName }) =>
        async (args) => {
          const input = args.input as { taskDefinition?: string; family?: string };
          if (commandName === 'DescribeTaskDefinitionCommand' && input.taskDefinition === other.taskDefinition && !held) {
            await waitingRead;
            clock += 1_000;
          }
          if (commandName === 'ListTasksCommand' && input.family === waiting.taskDefinition && !held) {
            held = true;
            waitingReads();
            await otherScan;
          }
          const result = await next(args);
          if (commandName === 'ListContainerInstancesCommand') otherScanned();
          return result;
        },
      { step: 'initialize', name: 'busyMinute' },
    );
    await handleCronBatch([slot(waiting), slot(other)], context);
    clock = start;

    // Its second attempt, the first after the capacity was freed, scanned anew and started it.
    const started = context.publisher.events.filter((event) => event.detailType === 'Cron Run Started').map((event) => (event.detail as { attempts: number }).attempts);
    expect(started).toEqual([2]);
    expect(copies(name, waiting)).toHaveLength(1);
    expect(emulator.calls.count('ListContainerInstances')).toBe(2);
  });

  it('Replace still waits for an earlier run that is stopping, on a slot claimed just now', async () => {
    const { name, rules, arns } = cluster(2, 1, { overlapPolicy: 'Replace', startingDeadlineSeconds: 120 });
    const rule = rules[0]!;
    const earlier = new Date(SLOT.getTime() - 3_600_000);
    const old = emulator.admin.occupy(arns[0]!, { cpu: 256, memory: 576, family: rule.taskDefinition, startedBy: cronSlotKey(rule, earlier) });
    await emulator.admin.settle();
    // Asked to stop (by its maximum run time, say), it keeps running until its stop timeout.
    const release = emulator.admin.holdTransitions();
    emulator.admin.stopTask(old, 'past maxRunSeconds', 0);
    const start = clock;
    const context = runner(rules, release);
    await handleCronBatch([slot(rule)], context);
    clock = start;

    const started = context.publisher.events.filter((event) => event.detailType === 'Cron Run Started').map((event) => (event.detail as { attempts: number }).attempts);
    // Not on the first look, while the old run still held its containers: once it had stopped.
    expect(started).toEqual([2]);
    expect(copies(name, rule)).toHaveLength(1);
    expect(emulator.admin.describeTask(old).lastStatus).toBe('STOPPED');
  });

  it('a rule done while another in its batch waits for capacity is deleted at once: its next message is handled during that wait', async () => {
    const { name, rules } = cluster(2, 1, { schedule: 'cron(* * * * ? *)', overlapPolicy: 'Allow' });
    const every = rules[0]!;
    // One copy of B fits an instance (beside one of M): of its three, the third waits for capacity until its deadline.
    emulator.admin.registerTaskDefinition({ family: `${name}-big`, containerDefinitions: [{ name: 'main', image: 'job', cpu: 256, memory: 1200 }] });
    const big: CronRule = { name: `${name}-big`, cluster: name, taskDefinition: `${name}-big`, schedule: 'cron(0 2 * * ? *)', count: 3, startingDeadlineSeconds: 120 };
    const secondSlot = new Date(SLOT.getTime() + 60_000);
    const second = slot(every, secondSlot).body;
    const handled: string[] = [];
    let handledDuringWait: boolean | undefined;
    const start = clock;
    const base = runner([every, big]);
    const pipeline = new EventPipeline({
      patterns: [],
      batchSize: 10,
      concurrency: 2,
      mixGroups: true,
      handler: async (messages, deleteEarly) => {
        const answer = await handleCronBatch(messages, { ...base, deleteEarly });
        handled.push(...messages.map((message) => message.body));
        return answer;
      },
    });
    const context: CronContext = base;
    context.sleep = async (ms) => {
      clock += ms;
      if (handledDuringWait === undefined) {
        // B's first wait for capacity: M's next slot arrives, behind M's first in its group.
        pipeline.send(second, every.name);
        handledDuringWait = await eventually(() => handled.includes(second));
      }
      await emulator.admin.settle();
    };
    pipeline.send(slot(every).body, every.name);
    pipeline.send(slot(big).body, big.name);
    await pipeline.drain();
    clock = start;

    expect(handledDuringWait).toBe(true);
    expect(emulator.admin.listTasks(name, { startedBy: cronSlotKey(every, secondSlot) })).toHaveLength(1);
    expect(copies(name, big)).toHaveLength(2);
    expect(pipeline.queue.depth).toBe(0);
  });

  it('a scan past the freshness bound is not used: a slot a minute later scans again', async () => {
    const { name, rules } = cluster(2, 2, { startingDeadlineSeconds: 300 });
    const context = runner(rules);
    await handleCronBatch([slot(rules[0]!)], context);
    clock += 60_000;
    await handleCronBatch([slot(rules[1]!)], context);
    clock -= 60_000;

    expect(copies(name, rules[1]!)).toHaveLength(1);
    expect(emulator.calls.count('ListContainerInstances')).toBe(2);
  });
});

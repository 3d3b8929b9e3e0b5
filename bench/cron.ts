import { parseArgs } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { seedCluster, startEmulator } from '../emulator/index.js';
import { startLocalLedger } from '../local/ledger.js';
import { EventPipeline } from '../local/pipeline/event-pipeline.js';
import { matchesPattern, runEndsPattern } from '../shared/events/patterns.js';
import { settle } from '../local/pipeline/settle.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import { SLOT_STATE, type SlotState } from '../shared/ledger/slot-record.js';
import { seededRandom } from '../shared/placement/random.js';
import { MemoryPublisher } from '../shared/report/publisher.js';
import { nextRetryAt } from '../shared/rules/cron/retry.js';
import { cronAttemptKey, cronRulePrefix, cronSlotKey, type CronRule, type OverlapPolicy } from '../shared/rules/cron/rule.js';
import { TaskStatus } from '../shared/state/types.js';
import { round } from './stats.js';
import { quietTelemetry } from './telemetry.js';
import { CRON_RUNNER_BATCH } from '../shared/queues/timeouts.js';
import { SharedScans } from '../shared/state/shared-scan.js';

const POLICIES: readonly OverlapPolicy[] = ['Forbid', 'Replace', 'Allow'];
/** Without --same-minute, rule i fires at minute i % 5 of the hour. */
const SPREAD_MINUTES = 5;

/**
 * S slots of R cron rules on one seeded cluster, through the deployed path: EventBridge
 * Scheduler's messages into the cluster's SQS FIFO queue (group = rule, content deduplication off,
 * as for deliveries beyond its 5-minute window), Lambda over it as the cluster's runner's event
 * source does (batches of several groups, at most CRON_RUNNER_BATCH.maxConcurrency at once, each
 * in one of that many warm instances with its own instance scans), the real handler, the emulator
 * with ECS's throttling and the given latency.
 *
 * Every slot is delivered twice: for half the rules both deliveries land at once (they would be
 * two concurrent invocations without the FIFO group), for a quarter the second comes after the
 * run started, for a quarter after the run ended (its copies STOPPED). Rules have 1-3 copies and
 * the three overlap policies; each slot's runs end before the next slot, and the cluster has room
 * for every copy, so every slot should start exactly `count` copies.
 *
 * Each run's copies then exit: 1 with probability --fail-rate, else 0. Their STOPPED events go,
 * as the deployed EventBridge rule sends them, into the rule's queue, where the handler records
 * the run's outcome in the ledger; with --retries R a failed run is begun again by the retry pass
 * (delivered twice, as a schedule may) once its backoff has passed, up to R times.
 *
 * Rules fire at minutes 0-4 of the hour, a fifth of them in each; with --same-minute every rule
 * fires at :00, as most do in real accounts (the top of the hour, midnight), and their slots then
 * all compete for the account's read bucket at once. lastStartMs: the longest time from a slot to
 * its first attempt's last StartTask (the clock is the slot's plus a second at delivery).
 *
 * With --launch fargate every rule runs on Fargate (RunTask with a client token per slot and
 * batch, awsvpc task definitions); the default, ec2, places copies on the seeded instances.
 *
 * duplicates: copies ever started beyond an attempt's count; missed: slots whose first attempt
 * started fewer than count (every slot has capacity here); unfinished: slots whose ledger record
 * is not final (Succeeded or Failed) at the end.
 */
export async function cronBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rules: { type: 'string', default: '100' },
      slots: { type: 'string', default: '10' },
      'latency-ms': { type: 'string', default: '10' },
      instances: { type: 'string', default: '50' },
      'fail-rate': { type: 'string', default: '0' },
      retries: { type: 'string', default: '0' },
      'same-minute': { type: 'boolean', default: false },
      launch: { type: 'string', default: 'ec2' },
    },
  });
  const launch = values.launch;
  if (launch !== 'ec2' && launch !== 'fargate') throw new Error(`--launch takes ec2 or fargate, found ${launch}`);
  const ruleCount = Number(values.rules);
  const slotCount = Number(values.slots);
  const latencyMs = Number(values['latency-ms']);
  const instances = Number(values.instances);
  const failRate = Number(values['fail-rate']);
  const retries = Number(values.retries);
  const sameMinute = values['same-minute'];
  if (!(failRate >= 0 && failRate <= 1) || !(Number.isInteger(retries) && retries >= 0 && retries <= 10)) {
    throw new Error(`--fail-rate takes 0 to 1 and --retries 0 to 10, found ${values['fail-rate']} and ${values.retries}`);
  }

  /** The minute of the hour rule i fires at: all at :00 with --same-minute, else spread over the first minutes. */
  const minuteOf = (i: number) => (sameMinute ? 0 : i % SPREAD_MINUTES);

  // One clock for the emulator (copies' start and stop times), the ledger and the handler: each
  // round it is set to the slot's time plus a second, and moved on past each retry's backoff.
  const base = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  let clockOffset = 0;
  const now = () => new Date(Date.now() + clockOffset);
  const emulator = await startEmulator({ latencyMs, throttling: true, randomSeed: 1, clock: () => now().getTime() });
  const clients: ECSClient[] = [];
  const local = await startLocalLedger({ now });
  const ledgerWrites = countWrites(local.dynamo);
  try {
    seedCluster(emulator, { cluster: 'bench', instances, tasks: instances * 2 });
    const rules: CronRule[] = Array.from({ length: ruleCount }, (_, i) => {
      const family = `cron-job-${i}`;
      const job = { name: 'job', image: 'job', cpu: 256, memory: 512 };
      emulator.admin.registerTaskDefinition(
        launch === 'fargate'
          ? { family, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512', containerDefinitions: [job] }
          : { family, containerDefinitions: [job] },
      );
      const rule: CronRule = { name: `job-${i}`, cluster: 'bench', taskDefinition: family, schedule: `cron(${minuteOf(i)} * * * ? *)`, count: 1 + (i % 3), overlapPolicy: POLICIES[i % 3], retries };
      return launch === 'fargate' ? { ...rule, launch: { type: 'fargate', subnets: ['subnet-0123456789abcdef0'], securityGroups: ['sg-0123456789abcdef0'] } } : rule;
    });
    /** Rule i's slot in the hour that begins at `hour`. */
    const slotOf = (i: number, hour: Date) => new Date(hour.getTime() + minuteOf(i) * 60_000);
    // Hourly slots, as many hours apart as a slot's retries need, so each slot's runs end before the next.
    const backoffs = Array.from({ length: retries }, (_, i) => nextRetryAt(rules[0]!, i + 1, new Date(0))!.getTime() + 1_000);
    const slotSpacing = Math.ceil((backoffs.reduce((sum, ms) => sum + ms, 0) + (SPREAD_MINUTES + 1) * 60_000) / 3_600_000) * 3_600_000;
    const exits = seededRandom(7);

    // The cluster's runner: one context per warm instance it can have at once (its event source's
    // maximum concurrency), each with its own ECS client and instance scans; every one serves every rule.
    let throttles = 0;
    const publisher = new MemoryPublisher();
    const telemetry = quietTelemetry();
    const idle: CronContext[] = [];
    for (let i = 0; i < CRON_RUNNER_BATCH.maxConcurrency; i += 1) {
      const ecs = createEcsClient({ endpoint: emulator.endpoint, region: emulator.region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
      ecs.middlewareStack.add(
        (next) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            if ((error as Error).name === 'ThrottlingException') throttles += 1;
            throw error;
          }
        },
        { step: 'deserialize', priority: 'high', name: 'benchThrottles' },
      );
      clients.push(ecs);
      idle.push({
        rules: new Map(rules.map((rule) => [rule.name, rule])),
        instanceScans: new SharedScans(),
        ecs,
        publisher,
        ...telemetry,
        now,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        remainingTimeMs: () => 900_000,
        ledger: local.ledger,
      });
    }
    const pipeline = new EventPipeline({
      patterns: [],
      deduplicationWindowMs: 0,
      batchSize: CRON_RUNNER_BATCH.batchSize,
      concurrency: CRON_RUNNER_BATCH.maxConcurrency,
      mixGroups: true,
      handler: async (messages, deleteEarly) => {
        // The pipeline runs at most maxConcurrency batches at once: a warm instance is always free.
        const instance = idle.pop()!;
        try {
          return await handleCronBatch(messages, { ...instance, deleteEarly });
        } finally {
          idle.push(instance);
        }
      },
    });
    // Each rule's EventBridge rule: its copies' STOPPED events into its queue, group = rule.
    const stopPatterns = rules.map((rule) => ({ rule, pattern: runEndsPattern(emulator.admin.createCluster('bench'), cronRulePrefix(rule)) }));
    const unsubscribe = emulator.onEvent((event) => {
      for (const { rule, pattern } of stopPatterns) if (matchesPattern(pattern, event)) pipeline.send(JSON.stringify(event), rule.name);
    });
    const deliver = (rule: CronRule, slot: Date) => pipeline.send(JSON.stringify({ kind: 'slot', rule: rule.name, slot: slot.toISOString() }), rule.name);
    const retryPass = (rule: CronRule) => pipeline.send(JSON.stringify({ kind: 'retries', rule: rule.name, at: now().toISOString() }), rule.name);
    const drain = () => settle(emulator, [pipeline]);
    /** The jobs end: each copy exits 1 with probability failRate, else 0. */
    const endRuns = async () => {
      for (const task of emulator.admin.listTasks('bench', { desiredStatus: TaskStatus.Running })) {
        if (task.startedBy?.startsWith('cron/')) emulator.admin.stopTask(task.arn, 'Essential container in task exited', exits() < failRate ? 1 : 0);
      }
      await drain();
    };

    emulator.calls.reset();
    const started = performance.now();
    const hours: Date[] = [];
    for (let s = 0; s < slotCount; s += 1) {
      const hour = new Date(base + (s + 1) * slotSpacing);
      hours.push(hour);
      // Each minute's slots are delivered a second after it begins, as Scheduler fires them.
      for (const minute of new Set(rules.map((_, i) => minuteOf(i)))) {
        clockOffset = hour.getTime() + minute * 60_000 + 1_000 - Date.now();
        for (const [i, rule] of rules.entries()) {
          if (minuteOf(i) !== minute) continue;
          deliver(rule, slotOf(i, hour));
          if (i % 2 === 0) deliver(rule, slotOf(i, hour));
        }
        await drain();
      }
      rules.forEach((rule, i) => i % 4 === 1 && deliver(rule, slotOf(i, hour)));
      await drain();
      // The runs end (the jobs are done), then the last quarter's second delivery comes.
      await endRuns();
      rules.forEach((rule, i) => i % 4 === 3 && deliver(rule, slotOf(i, hour)));
      await drain();
      // Each backoff passes; the retry pass (twice) begins the due retries, which end in turn.
      for (const backoff of backoffs) {
        clockOffset += backoff;
        for (const rule of rules) {
          retryPass(rule);
          retryPass(rule);
        }
        await drain();
        await endRuns();
      }
    }
    const wallMs = performance.now() - started;
    unsubscribe();

    let expectedCopies = 0;
    let copiesStarted = 0;
    let runsStarted = 0;
    let duplicates = 0;
    let missed = 0;
    let retried = 0;
    const states = new Map<SlotState, number>();
    let lastStartMs = 0;
    for (const [i, rule] of rules.entries()) {
      const count = rule.count ?? 1;
      for (const hour of hours) {
        const slot = slotOf(i, hour);
        const firstAttempt = emulator.admin.listTasks('bench', { startedBy: cronSlotKey(rule, slot) });
        const copies = firstAttempt.length;
        for (const task of firstAttempt) lastStartMs = Math.max(lastStartMs, task.createdAt.getTime() - slot.getTime());
        expectedCopies += count;
        copiesStarted += copies;
        if (copies > 0) runsStarted += 1;
        duplicates += Math.max(0, copies - count);
        if (copies < count) missed += 1;
        for (let attempt = 2; attempt <= retries + 1; attempt += 1) {
          const retryCopies = emulator.admin.listTasks('bench', { startedBy: cronAttemptKey(rule, slot, attempt) }).length;
          if (retryCopies > 0) retried += 1;
          duplicates += Math.max(0, retryCopies - count);
        }
        const state = (await local.ledger.get(rule.name, slot))?.state;
        if (state) states.set(state, (states.get(state) ?? 0) + 1);
      }
    }
    const succeeded = states.get(SLOT_STATE.Succeeded) ?? 0;
    const failed = states.get(SLOT_STATE.Failed) ?? 0;
    const slotTotal = ruleCount * slotCount;
    const deliveries = pipeline.stats.batches;
    const apiCalls = emulator.calls.total();
    const calls = emulator.calls.byOperation();
    const outcomes = new Map<string, number>();
    for (const event of publisher.events) {
      const reason = 'reason' in event.detail ? event.detail.reason : undefined;
      const key = reason ? `${event.detailType} (${reason})` : event.detailType;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    console.error(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}; dead letters: ${pipeline.queue.deadLetters.length}; failed messages: ${pipeline.stats.failedMessages}`);
    console.error(`calls: ${JSON.stringify(emulator.calls.byOperation())}; ${throttles} throttled; ledger writes: ${JSON.stringify(ledgerWrites)}`);
    console.error(`slot states in the ledger: ${JSON.stringify(Object.fromEntries(states))}`);
    const writes = Object.values(ledgerWrites).reduce((sum, n) => sum + n, 0);
    console.error(
      `API calls per slot: ${round(apiCalls / slotTotal, 1)} (${slotTotal} slots, ${deliveries} deliveries: ${round(apiCalls / deliveries, 1)} per delivery; ECS cluster reads per slot ${round(reads(calls) / slotTotal, 1)})`,
    );
    return {
      bench: 'cron',
      launch,
      rules: ruleCount,
      slots: slotCount,
      instances,
      sameMinute,
      latencyMs,
      failRate,
      retries,
      expectedRuns: slotTotal,
      runsStarted,
      succeeded,
      failed,
      retried,
      expectedCopies,
      copiesStarted,
      duplicates,
      missed,
      unfinished: slotTotal - succeeded - failed,
      ledgerWritesPerSlot: round(writes / slotTotal, 1),
      deliveries,
      apiCalls,
      apiCallsPerSlot: round(apiCalls / slotTotal, 1),
      readsPerSlot: round(reads(calls) / slotTotal, 1),
      instanceReadsPerSlot: round(instanceReads(calls) / slotTotal, 1),
      throttles,
      lastStartMs: round(lastStartMs, 0),
      wallMs: round(wallMs, 0),
    };
  } finally {
    for (const client of clients) client.destroy();
    await emulator.close();
    await local.close();
  }
}

/** The ledger's writes by kind, counted on its DynamoDB client (a refused conditional write counts too). */
function countWrites(dynamo: DynamoDBClient): Record<string, number> {
  const writes: Record<string, number> = {};
  dynamo.middlewareStack.add(
    (next, context) => (args) => {
      if (/^(Put|Update|Delete)Item|TransactWrite/.test(context.commandName ?? '')) writes[context.commandName!] = (writes[context.commandName!] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchLedgerWrites' },
  );
  return writes;
}

function reads(calls: Record<string, number>): number {
  return ['ListTasks', 'DescribeTasks'].reduce((sum, op) => sum + (calls[op] ?? 0), instanceReads(calls));
}

/** The instance scan's share of the reads: what one cluster read per minute could share between rules. */
function instanceReads(calls: Record<string, number>): number {
  return (calls.ListContainerInstances ?? 0) + (calls.DescribeContainerInstances ?? 0);
}

import { parseArgs } from 'node:util';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { seedCluster, startEmulator } from '../emulator/index.js';
import { startLocalLedger } from '../local/ledger.js';
import { EventPipeline } from '../local/pipeline/event-pipeline.js';
import { settle } from '../local/pipeline/settle.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import { MemoryPublisher } from '../shared/report/publisher.js';
import { cronSlotKey, type CronRule, type OverlapPolicy } from '../shared/rules/cron/rule.js';
import { TaskStatus } from '../shared/state/types.js';
import { round } from './stats.js';
import { quietTelemetry } from './telemetry.js';

const POLICIES: readonly OverlapPolicy[] = ['Forbid', 'Replace', 'Allow'];

/**
 * S slots of R cron rules on one seeded cluster, through the deployed path: EventBridge
 * Scheduler's messages into the SQS FIFO queue (group = rule, content deduplication off, as for
 * deliveries beyond its 5-minute window), Lambda over the groups at once (batch size 1), the real
 * handler, the emulator with ECS's throttling and the given latency.
 *
 * Every slot is delivered twice: for half the rules both deliveries land at once (they would be
 * two concurrent invocations without the FIFO group), for a quarter the second comes after the
 * run started, for a quarter after the run ended (its copies STOPPED). Rules have 1-3 copies and
 * the three overlap policies; each slot's runs end before the next slot, and the cluster has room
 * for every copy, so every slot should start exactly `count` copies.
 *
 * duplicates: copies ever started beyond a slot's count; missed: slots that started fewer than
 * count (every slot has capacity here).
 */
export async function cronBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rules: { type: 'string', default: '100' },
      slots: { type: 'string', default: '10' },
      'latency-ms': { type: 'string', default: '10' },
      instances: { type: 'string', default: '50' },
    },
  });
  const ruleCount = Number(values.rules);
  const slotCount = Number(values.slots);
  const latencyMs = Number(values['latency-ms']);
  const instances = Number(values.instances);

  const emulator = await startEmulator({ latencyMs, throttling: true, randomSeed: 1 });
  const clients: ECSClient[] = [];
  const local = await startLocalLedger();
  try {
    seedCluster(emulator, { cluster: 'bench', instances, tasks: instances * 2 });
    const rules: CronRule[] = Array.from({ length: ruleCount }, (_, i) => {
      const family = `cron-job-${i}`;
      emulator.admin.registerTaskDefinition({ family, containerDefinitions: [{ name: 'job', image: 'job', cpu: 256, memory: 512 }] });
      return { name: `job-${i}`, cluster: 'bench', taskDefinition: family, schedule: 'cron(* * * * ? *)', count: 1 + (i % 3), overlapPolicy: POLICIES[i % 3] };
    });

    // The handler's clock: each round, the slot's minute plus a second, then real time.
    const base = Math.floor(Date.now() / 60_000) * 60_000;
    let clockOffset = 0;
    const now = () => new Date(Date.now() + clockOffset);

    // One context, with its own ECS client, per rule: each group is its own Lambda invocation.
    let throttles = 0;
    const publisher = new MemoryPublisher();
    const telemetry = quietTelemetry();
    const contexts = new Map<string, CronContext>();
    for (const rule of rules) {
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
      contexts.set(rule.name, {
        rules: new Map([[rule.name, rule]]),
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
      batchSize: 1,
      handler: (messages) => handleCronBatch(messages, contexts.get(messages[0]!.groupId)!),
    });
    const deliver = (rule: CronRule, slot: Date) => pipeline.send(JSON.stringify({ kind: 'slot', rule: rule.name, slot: slot.toISOString() }), rule.name);
    const drain = () => settle(emulator, [pipeline]);

    emulator.calls.reset();
    const started = performance.now();
    const slots: Date[] = [];
    for (let s = 0; s < slotCount; s += 1) {
      const slot = new Date(base + s * 60_000);
      slots.push(slot);
      clockOffset = slot.getTime() + 1_000 - Date.now();
      for (const [i, rule] of rules.entries()) {
        deliver(rule, slot);
        if (i % 2 === 0) deliver(rule, slot);
      }
      await drain();
      rules.forEach((rule, i) => i % 4 === 1 && deliver(rule, slot));
      await drain();
      // The runs end (the jobs are done), then the last quarter's second delivery comes.
      for (const task of emulator.admin.listTasks('bench', { desiredStatus: TaskStatus.Running })) {
        if (task.startedBy?.startsWith('cron/')) emulator.admin.stopTask(task.arn, 'Essential container in task exited');
      }
      await emulator.admin.settle();
      rules.forEach((rule, i) => i % 4 === 3 && deliver(rule, slot));
      await drain();
    }
    const wallMs = performance.now() - started;

    let expectedCopies = 0;
    let copiesStarted = 0;
    let runsStarted = 0;
    let duplicates = 0;
    let missed = 0;
    for (const rule of rules) {
      const count = rule.count ?? 1;
      for (const slot of slots) {
        const copies = emulator.admin.listTasks('bench', { startedBy: cronSlotKey(rule, slot) }).length;
        expectedCopies += count;
        copiesStarted += copies;
        if (copies > 0) runsStarted += 1;
        duplicates += Math.max(0, copies - count);
        if (copies < count) missed += 1;
      }
    }
    const slotTotal = ruleCount * slotCount;
    const deliveries = pipeline.stats.batches;
    const apiCalls = emulator.calls.total();
    const outcomes = new Map<string, number>();
    for (const event of publisher.events) {
      const reason = 'reason' in event.detail ? event.detail.reason : undefined;
      const key = reason ? `${event.detailType} (${reason})` : event.detailType;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    console.error(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}; dead letters: ${pipeline.queue.deadLetters.length}; failed messages: ${pipeline.stats.failedMessages}`);
    console.error(`calls: ${JSON.stringify(emulator.calls.byOperation())}; ${throttles} throttled`);
    console.error(
      `API calls per slot: ${round(apiCalls / slotTotal, 1)} (${slotTotal} slots, ${deliveries} deliveries: ${round(apiCalls / deliveries, 1)} per delivery; ECS cluster reads per slot ${round(reads(emulator.calls.byOperation()) / slotTotal, 1)})`,
    );
    return {
      bench: 'cron',
      rules: ruleCount,
      slots: slotCount,
      latencyMs,
      expectedRuns: slotTotal,
      runsStarted,
      expectedCopies,
      copiesStarted,
      duplicates,
      missed,
      deliveries,
      apiCalls,
      apiCallsPerSlot: round(apiCalls / slotTotal, 1),
      throttles,
      wallMs: round(wallMs, 0),
    };
  } finally {
    for (const client of clients) client.destroy();
    await emulator.close();
    await local.close();
  }
}

function reads(calls: Record<string, number>): number {
  return ['ListTasks', 'DescribeTasks', 'ListContainerInstances', 'DescribeContainerInstances'].reduce((sum, op) => sum + (calls[op] ?? 0), 0);
}

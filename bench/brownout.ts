import { parseArgs } from 'node:util';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { seedCluster, startEmulator } from '../emulator/index.js';
import { startLocalLedger } from '../local/ledger.js';
import { EventPipeline } from '../local/pipeline/event-pipeline.js';
import { settle } from '../local/pipeline/settle.js';
import { createEcsClient } from '../shared/ecs/client.js';
import { copyLifecyclePattern, instanceEventsPattern } from '../shared/events/patterns.js';
import { handleCronBatch, type CronContext } from '../shared/handlers/cron/handle.js';
import { handleDaemonBatch, type DaemonContext } from '../shared/handlers/daemon/handle.js';
import { DaemonMemory } from '../shared/handlers/daemon/memory.js';
import { seededRandom } from '../shared/placement/random.js';
import { CRON_RUNNER_BATCH, cronRunnerTimeouts, DAEMON_TIMEOUTS } from '../shared/queues/timeouts.js';
import { SharedScans } from '../shared/state/shared-scan.js';
import { MemoryPublisher } from '../shared/report/publisher.js';
import { cronSlotKey, type CronRule } from '../shared/rules/cron/rule.js';
import { daemonKey, type DaemonRule } from '../shared/rules/daemon/rule.js';
import { TaskStatus } from '../shared/state/types.js';
import { round } from './stats.js';
import { quietTelemetry } from './telemetry.js';

const CRON_RULES = 10;
/** Simulated time between two looks at the world: instance churn and deliveries happen on these ticks. */
const TICK_MS = 10_000;
const MINUTE_MS = 60_000;

/**
 * An ECS brownout: a cluster of N instances with a daemon rule in place and 10 cron rules firing
 * every minute, through the deployed path (EventBridge patterns, SQS FIFO queues with the stack's
 * visibility timeouts and dead-letter queues, the real handlers, dynalite for the ledger), ECS's
 * throttling on. After a calm minute, --error-rate of ECS's answers are 5xx for --minutes; all
 * along, an instance joins and a daemon copy dies every 10 s (so the daemon's queue keeps getting
 * hints), until a minute after the brownout. The clock is simulated: it jumps from tick to tick
 * (and runs in real time while handlers work), so visibility timeouts and redeliveries play out
 * at the deployed timing without the wait.
 *
 * Figures: dead-lettered messages (every kind; none should be, since every daemon message is a
 * hint the next sweep covers and every slot can still be run or reported), duplicates (an
 * instance with two live copies at the end, copies of a slot above its count), slots lost (a slot
 * delivered and never started), and eligible instances without a copy 60 s after the brownout.
 */
export async function brownoutBench(argv: string[]): Promise<object> {
  const { values } = parseArgs({
    args: argv,
    options: {
      instances: { type: 'string', default: '300' },
      'error-rate': { type: 'string', default: '0.3' },
      minutes: { type: 'string', default: '3' },
      'latency-ms': { type: 'string', default: '5' },
    },
  });
  const instances = Number(values.instances);
  const errorRate = Number(values['error-rate']);
  const minutes = Number(values.minutes);
  const latencyMs = Number(values['latency-ms']);
  if (!(errorRate >= 0 && errorRate <= 1) || !(minutes > 0)) throw new Error(`--error-rate takes 0 to 1 and --minutes a positive number, found ${values['error-rate']} and ${values.minutes}`);

  const start = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
  let clockOffset = start - Date.now();
  const now = () => new Date(Date.now() + clockOffset);
  /** Moves the simulated clock on to `at`, if it is not there yet (handlers' real time counts too). */
  const moveTo = (at: number) => {
    if (now().getTime() < at) clockOffset = at - Date.now();
  };
  const emulator = await startEmulator({ latencyMs, throttling: true, randomSeed: 3, clock: () => now().getTime() });
  const local = await startLocalLedger({ now });
  const clients: ECSClient[] = [];
  const newClient = () => {
    const client = createEcsClient({ endpoint: emulator.endpoint, region: emulator.region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    clients.push(client);
    return client;
  };
  try {
    const daemonRule: DaemonRule = { name: 'agent', cluster: 'bench', taskDefinition: 'bench-agent' };
    const key = daemonKey(daemonRule);
    const { clusterArn } = seedCluster(emulator, { cluster: 'bench', instances, tasks: instances, daemon: { family: 'bench-agent', startedBy: key } });
    const cronRules: CronRule[] = Array.from({ length: CRON_RULES }, (_, i) => {
      emulator.admin.registerTaskDefinition({ family: `job-${i}`, containerDefinitions: [{ name: 'job', image: 'job', cpu: 128, memory: 128 }] });
      return { name: `job-${i}`, cluster: 'bench', taskDefinition: `job-${i}`, schedule: 'cron(* * * * ? *)' };
    });

    const publisher = new MemoryPublisher();
    const telemetry = quietTelemetry();
    // Handlers' waits pass on the simulated clock, and the brownout ends on it: a slot waiting out
    // the errors in real time would hold the loop, and so the brownout, for as long as it waits.
    const sleep = async (ms: number) => {
      moveTo(now().getTime() + ms);
      if (now().getTime() >= brownoutUntil) emulator.setErrorRate(0);
      await new Promise((resolve) => setImmediate(resolve));
    };
    /** Each invocation's Lambda deadline, on the simulated clock. */
    const remainingFrom = (functionSeconds: number) => {
      const deadline = now().getTime() + functionSeconds * 1000;
      return () => deadline - now().getTime();
    };
    const daemonShared = { rule: daemonRule, ecs: newClient(), memory: new DaemonMemory(key), publisher, ...telemetry, now, sleep };
    const daemonPipeline = new EventPipeline({
      patterns: [instanceEventsPattern(clusterArn), copyLifecyclePattern(clusterArn, key)],
      groupId: clusterArn,
      visibilityTimeoutMs: DAEMON_TIMEOUTS.visibilitySeconds * 1000,
      maxReceiveCount: DAEMON_TIMEOUTS.maxReceiveCount,
      now: () => now().getTime(),
      handler: (messages) => handleDaemonBatch(messages, { ...daemonShared, remainingTimeMs: remainingFrom(DAEMON_TIMEOUTS.functionSeconds) } satisfies DaemonContext),
    }).connect(emulator);
    // The cluster's cron runner, as deployed: one function for every cron rule, as many warm
    // instances (each with its own ECS client and instance scans) as invocations it may run at once.
    const served = new Map(cronRules.map((rule) => [rule.name, rule]));
    const idle = Array.from({ length: CRON_RUNNER_BATCH.maxConcurrency }, () => ({ rules: served, ecs: newClient(), instanceScans: new SharedScans(), publisher, ...telemetry, now, sleep, ledger: local.ledger }));
    const cronTiming = cronRunnerTimeouts(cronRules);
    const cronPipeline = new EventPipeline({
      patterns: [],
      deduplicationWindowMs: 0,
      batchSize: CRON_RUNNER_BATCH.batchSize,
      concurrency: CRON_RUNNER_BATCH.maxConcurrency,
      mixGroups: true,
      visibilityTimeoutMs: cronTiming.visibilitySeconds * 1000,
      maxReceiveCount: cronTiming.maxReceiveCount,
      now: () => now().getTime(),
      handler: async (messages, deleteEarly) => {
        // The pipeline runs at most maxConcurrency batches at once: a warm instance is always free.
        const instance = idle.pop()!;
        try {
          return await handleCronBatch(messages, { ...instance, remainingTimeMs: remainingFrom(cronTiming.functionSeconds), deleteEarly } satisfies CronContext);
        } finally {
          idle.push(instance);
        }
      },
    });
    const pipelines = [daemonPipeline, cronPipeline];

    const brownoutFrom = start + MINUTE_MS;
    const brownoutUntil = brownoutFrom + minutes * MINUTE_MS;
    const churnUntil = brownoutUntil + MINUTE_MS;
    // Long enough for a message failed at the end of the brownout to use up its receives.
    const endAt = brownoutUntil + cronTiming.maxReceiveCount * cronTiming.visibilitySeconds * 1000 + MINUTE_MS;
    const churn = seededRandom(11);
    const slots: Date[] = [];
    let uncoveredAfterMinute: number | undefined;
    let inBrownout = false;

    emulator.calls.reset();
    const wallStart = performance.now();
    // The first sweep puts the daemon's memory in place, as a warm function's would be.
    daemonPipeline.send(JSON.stringify({ kind: 'sweep', rule: daemonRule.name }));
    for (let tick = start; tick <= endAt; tick += TICK_MS) {
      moveTo(tick);
      const brownout = now().getTime() >= brownoutFrom && now().getTime() < brownoutUntil;
      if (brownout !== inBrownout) emulator.setErrorRate(brownout ? errorRate : 0);
      inBrownout = brownout;
      if (tick < churnUntil) {
        emulator.admin.registerInstance({ cluster: 'bench', cpu: 2048, memory: 7680 });
        const copies = emulator.admin.listTasks('bench', { startedBy: key, desiredStatus: TaskStatus.Running });
        if (copies.length > 0) emulator.admin.stopTask(copies[Math.floor(churn() * copies.length)]!.arn, 'Essential container in task exited', 1);
      }
      if ((tick - start) % (5 * MINUTE_MS) === 0 && tick > start) daemonPipeline.send(JSON.stringify({ kind: 'sweep', rule: daemonRule.name, at: new Date(tick).toISOString() }));
      if ((tick - start) % MINUTE_MS === 0 && tick < churnUntil) {
        // Last minute's jobs are done; this minute's slot fires for every rule.
        for (const task of emulator.admin.listTasks('bench', { desiredStatus: TaskStatus.Running })) {
          if (task.startedBy?.startsWith('cron/')) emulator.admin.stopTask(task.arn, 'Essential container in task exited', 0);
        }
        const slot = new Date(tick);
        slots.push(slot);
        for (const rule of cronRules) cronPipeline.send(JSON.stringify({ kind: 'slot', rule: rule.name, slot: slot.toISOString() }), rule.name);
      }
      await settle(emulator, pipelines);
      if (uncoveredAfterMinute === undefined && now().getTime() >= brownoutUntil + MINUTE_MS) uncoveredAfterMinute = uncovered(emulator, key);
    }
    const wallMs = performance.now() - wallStart;
    daemonPipeline.disconnect();

    const live = emulator.admin.listTasks('bench', { startedBy: key, desiredStatus: TaskStatus.Running });
    const perInstance = new Map<string | undefined, number>();
    for (const copy of live) perInstance.set(copy.containerInstanceArn, (perInstance.get(copy.containerInstanceArn) ?? 0) + 1);
    let duplicates = [...perInstance.values()].reduce((sum, n) => sum + n - 1, 0);
    let slotsLost = 0;
    for (const rule of cronRules) {
      for (const slot of slots) {
        const copies = emulator.admin.listTasks('bench', { startedBy: cronSlotKey(rule, slot) }).length;
        duplicates += Math.max(0, copies - 1);
        if (copies === 0) slotsLost += 1;
      }
    }
    const deadLettered = { daemon: daemonPipeline.queue.deadLetters.length, cron: cronPipeline.queue.deadLetters.length };
    console.error(`calls: ${JSON.stringify(emulator.calls.byOperation())}`);
    console.error(`daemon queue: ${JSON.stringify(daemonPipeline.stats)}; cron queues: ${JSON.stringify(cronPipeline.stats)}`);
    return {
      bench: 'brownout',
      instances,
      errorRate,
      minutes,
      cronSlots: slots.length * CRON_RULES,
      deadLettered: deadLettered.daemon + deadLettered.cron,
      deadLetteredDaemon: deadLettered.daemon,
      deadLetteredCron: deadLettered.cron,
      failedMessages: daemonPipeline.stats.failedMessages + cronPipeline.stats.failedMessages,
      duplicates,
      slotsLost,
      uncoveredAfter60s: uncoveredAfterMinute ?? uncovered(emulator, key),
      uncoveredAtEnd: uncovered(emulator, key),
      apiCalls: emulator.calls.total(),
      wallMs: round(wallMs, 0),
    };
  } finally {
    for (const client of clients) client.destroy();
    await emulator.close();
    await local.close();
  }
}

/** ACTIVE instances without a live copy of the daemon. */
function uncovered(emulator: Awaited<ReturnType<typeof startEmulator>>, key: string): number {
  const covered = new Set(emulator.admin.listTasks('bench', { startedBy: key, desiredStatus: TaskStatus.Running }).map((task) => task.containerInstanceArn));
  return emulator.admin.listInstances('bench').filter((instance) => instance.status === 'ACTIVE' && !covered.has(instance.arn)).length;
}
